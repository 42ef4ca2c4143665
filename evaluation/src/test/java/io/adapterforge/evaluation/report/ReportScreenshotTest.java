package io.adapterforge.evaluation.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opens the rendered report in headless Chromium; fails (never skips) without chromium. */
class ReportScreenshotTest {
  @Test
  void reportRendersChartsInChromiumWithoutNetworkRequests(@TempDir Path dir) throws Exception {
    Path folder = dir.resolve("evaluation");
    HtmlReportRenderer.write(ReportFixtures.fiveAdapters(), folder);
    Path html = folder.resolve("report.html");
    assertThat(HtmlReportRendererTest.externalReferences(Files.readString(html))).isEmpty();

    HeadlessChromium.Capture capture = HeadlessChromium.screenshot(html, dir, 1400, 3100);
    Path keep = Path.of("target", "report-screenshot.png");
    Files.copy(capture.screenshot(), keep, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    assertThat(capture.pageRequests())
        .as(
            "network requests made while rendering report.html (Chromium's own: %s); log:%n%s",
            capture.browserRequests(), capture.log())
        .isEmpty();

    BufferedImage image = ImageIO.read(capture.screenshot().toFile());
    assertThat(image.getWidth()).isEqualTo(1400);
    Set<Integer> colours = new HashSet<>();
    long nonWhite = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y) & 0xffffff;
        colours.add(rgb);
        if (rgb != 0xffffff) {
          nonWhite++;
        }
      }
    }
    assertThat(colours.size()).as("distinct colours").isGreaterThan(200);
    assertThat((double) nonWhite / ((long) image.getWidth() * image.getHeight()))
        .as("share of non-white pixels")
        .isGreaterThan(0.2);
    // Each chart's own colours reached the screen: published/rejected bars, train and
    // validation lines, the darkest heatmap and confusion cells, the tool-call cells at F1 0.
    assertThat(countNear(image, 0x2f9e44)).as("published bars").isGreaterThan(500);
    assertThat(countNear(image, 0xe03131)).as("rejected bars").isGreaterThan(100);
    assertThat(countNear(image, 0x1c7ed6)).as("train loss lines").isGreaterThan(500);
    assertThat(countNear(image, 0xe8590c)).as("validation loss lines").isGreaterThan(200);
    assertThat(countNear(image, 0x2b8a3e)).as("cross-adapter heatmap").isGreaterThan(1000);
    assertThat(countNear(image, 0xffe8cc)).as("tool-call heatmap's F1 0 cells").isGreaterThan(1000);
    assertThat(countNear(image, 0x1864ab)).as("confusion matrix").isGreaterThan(1000);
  }

  @Test
  void recordingProxyCatchesAPageThatFetches(@TempDir Path dir) throws Exception {
    Path html = dir.resolve("fetching.html");
    Files.writeString(
        html,
        "<!DOCTYPE html><html><body><p>hi</p><img src=\"http://example.com/pixel.png\"></body></html>");
    HeadlessChromium.Capture capture = HeadlessChromium.screenshot(html, dir, 400, 300);
    assertThat(capture.pageRequests())
        .anySatisfy(request -> assertThat(request).startsWith("GET http://example.com/pixel.png"));
    assertThat(HeadlessChromium.host("CONNECT accounts.google.com:443 HTTP/1.1"))
        .isEqualTo("accounts.google.com");
  }

  private static long countNear(BufferedImage image, int rgb) {
    int r = (rgb >> 16) & 0xff;
    int g = (rgb >> 8) & 0xff;
    int b = rgb & 0xff;
    long count = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int p = image.getRGB(x, y);
        if (Math.abs(((p >> 16) & 0xff) - r) <= 12
            && Math.abs(((p >> 8) & 0xff) - g) <= 12
            && Math.abs((p & 0xff) - b) <= 12) {
          count++;
        }
      }
    }
    return count;
  }
}
