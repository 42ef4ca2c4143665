package io.adapterforge.evaluation.report;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs Debian's {@code chromium} headless to screenshot a local HTML file, with every network
 * request it would make routed to a recording proxy on 127.0.0.1 that answers 403. The proxy's log
 * is the evidence that a page made no network request. Fails the calling test (never skips) when
 * chromium is not installed.
 *
 * <p>Chromium itself talks to a few Google service hosts whatever the page is (Debian's wrapper
 * enables remote extension updates and sets API keys; no flag turns all of it off). Those requests
 * are listed in {@link Capture#browserRequests()}; everything else is in {@link
 * Capture#pageRequests()}. The hosts are exact names, none that a page would load resources from.
 */
final class HeadlessChromium {
  private HeadlessChromium() {}

  /** Chromium's own background services, observed here with the flags below. */
  static final Set<String> BROWSER_SERVICE_HOSTS =
      Set.of(
          "clients2.google.com",
          "update.googleapis.com",
          "accounts.google.com",
          "clientservices.googleapis.com",
          "redirector.gvt1.com",
          "edgedl.me.gvt1.com");

  /** What one run produced: the screenshot, the proxy's request lines, chromium's output. */
  record Capture(Path screenshot, List<String> proxiedRequests, String log) {
    /** Requests to anything but Chromium's own service hosts: what the page asked for. */
    List<String> pageRequests() {
      return proxiedRequests.stream()
          .filter(r -> !BROWSER_SERVICE_HOSTS.contains(host(r)))
          .toList();
    }

    /** Requests Chromium made for itself. */
    List<String> browserRequests() {
      return proxiedRequests.stream().filter(r -> BROWSER_SERVICE_HOSTS.contains(host(r))).toList();
    }
  }

  /** The host of a proxy request line: {@code GET http://h/p HTTP/1.1} or {@code CONNECT h:443}. */
  static String host(String requestLine) {
    String[] parts = requestLine.split(" ");
    if (parts.length < 2) {
      return "";
    }
    String target = parts[1].replaceFirst("^[a-zA-Z]+://", "");
    int end = target.length();
    for (char stop : new char[] {'/', ':', '?'}) {
      int at = target.indexOf(stop);
      if (at >= 0) {
        end = Math.min(end, at);
      }
    }
    return target.substring(0, end).toLowerCase(java.util.Locale.ROOT);
  }

  static Path executable() {
    String override = System.getenv("CHROMIUM");
    List<String> candidates = new ArrayList<>();
    if (override != null && !override.isBlank()) {
      candidates.add(override);
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      candidates.add(dir + "/chromium");
    }
    for (String candidate : candidates) {
      Path path = Path.of(candidate);
      if (Files.isExecutable(path)) {
        return path;
      }
    }
    return fail(
        "Cannot render report.html: Debian's 'chromium' is not on PATH (nor in $CHROMIUM). Install"
            + " it with 'apt-get update && apt-get install -y chromium'; .ci/run must install it"
            + " too.");
  }

  static Capture screenshot(Path html, Path workDir, int width, int height)
      throws IOException, InterruptedException {
    Path png = workDir.resolve("screenshot.png");
    Path profile = Files.createDirectories(workDir.resolve("profile"));
    Path log = workDir.resolve("chromium.log");
    List<String> requests = Collections.synchronizedList(new ArrayList<>());
    try (ServerSocket proxy = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      Thread recorder = new Thread(() -> record(proxy, requests), "recording-proxy");
      recorder.setDaemon(true);
      recorder.start();
      List<String> command =
          List.of(
              executable().toString(),
              "--headless",
              "--no-sandbox",
              "--disable-gpu",
              "--disable-quic",
              "--no-first-run",
              "--disable-background-networking",
              "--disable-component-update",
              "--disable-sync",
              "--disable-extensions",
              "--disable-default-apps",
              "--disable-domain-reliability",
              "--disable-client-side-phishing-detection",
              "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,Translate",
              "--disable-dev-shm-usage",
              "--hide-scrollbars",
              "--proxy-server=http://127.0.0.1:" + proxy.getLocalPort(),
              "--proxy-bypass-list=<-loopback>",
              "--user-data-dir=" + profile,
              "--screenshot=" + png,
              "--window-size=" + width + "," + height,
              html.toUri().toString());
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail("chromium did not finish within 120 s: " + command + "\n" + Files.readString(log));
      }
      // Let the recorder log connections accepted just before exit.
      Thread.sleep(200);
      String output = Files.readString(log);
      if (process.exitValue() != 0 || !Files.exists(png)) {
        fail(
            "chromium exited "
                + process.exitValue()
                + " without a screenshot: "
                + command
                + "\n"
                + output);
      }
      synchronized (requests) {
        return new Capture(png, List.copyOf(requests), output);
      }
    }
  }

  private static void record(ServerSocket proxy, List<String> requests) {
    while (!proxy.isClosed()) {
      try (Socket socket = proxy.accept()) {
        socket.setSoTimeout(2000);
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        String requestLine = in.readLine();
        requests.add(requestLine == null ? "(connection without request)" : requestLine);
        OutputStream out = socket.getOutputStream();
        out.write(
            "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      } catch (IOException e) {
        if (!proxy.isClosed()) {
          requests.add("(proxy error: " + e + ")");
        }
      }
    }
  }
}
