package io.adapterforge.cli;

import io.adapterforge.config.RegistryConfig;
import io.adapterforge.evaluation.registry.AdapterRegistry;
import io.adapterforge.evaluation.registry.AdapterSummary;
import io.adapterforge.evaluation.registry.AdapterVersion;
import io.adapterforge.evaluation.registry.ArtifactFile;
import io.adapterforge.evaluation.registry.RegistryException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code adapterforge registry …}: inspect the adapter registry, move aliases, export for serving.
 */
@Command(
    name = "registry",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "Inspect the adapter registry, promote or roll back versions, export for serving.",
    subcommands = {
      RegistryCommand.ListAdapters.class,
      RegistryCommand.Show.class,
      RegistryCommand.Promote.class,
      RegistryCommand.Rollback.class,
      RegistryCommand.ExportVllm.class
    })
final class RegistryCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "Missing a subcommand: try 'registry list', 'show', 'promote', 'rollback' or"
            + " 'export-vllm'");
  }

  /** Where the registry is: {@code registry.url} and {@code registry.store}, or the flags. */
  static final class Location {
    @Mixin ConfigOptions options;

    @Option(
        names = "--url",
        paramLabel = "JDBC_URL",
        description =
            "Registry database: jdbc:sqlite:FILE or jdbc:postgresql://… (overrides registry.url).")
    String url;

    @Option(
        names = "--store",
        paramLabel = "URI",
        description =
            "Artifact store: a folder or a Hadoop FileSystem URI (overrides registry.store).")
    String store;

    AdapterRegistry open() {
      RegistryConfig config = options.load().registry();
      return AdapterRegistry.open(
          url != null ? url : config.url(), store != null ? store : config.store());
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class,
      description = "List the adapters: latest version and aliases.")
  static final class ListAdapters implements Runnable {
    @Mixin Location location;
    @Spec CommandSpec spec;

    @Override
    public void run() {
      PrintWriter out = spec.commandLine().getOut();
      try (AdapterRegistry registry = location.open()) {
        List<AdapterSummary> adapters = registry.list();
        if (adapters.isEmpty()) {
          out.println("No adapters in the registry at " + registry.url());
        } else {
          out.printf("%-32s %7s %10s %9s%n", "ADAPTER", "LATEST", "PRODUCTION", "CANDIDATE");
          for (AdapterSummary adapter : adapters) {
            out.printf(
                "%-32s %7s %10s %9s%n",
                adapter.adapterId(),
                "v" + adapter.latestVersion(),
                adapter.alias(AdapterRegistry.PRODUCTION).map(v -> "v" + v).orElse("-"),
                adapter.alias(AdapterRegistry.CANDIDATE).map(v -> "v" + v).orElse("-"));
          }
        }
      }
      out.flush();
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class,
      description =
          "Show an adapter's aliases and versions, with each version's files and checksums.")
  static final class Show implements Runnable {
    @Mixin Location location;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ADAPTER_ID", description = "The adapter.")
    String adapterId;

    @Override
    public void run() {
      PrintWriter out = spec.commandLine().getOut();
      try (AdapterRegistry registry = location.open()) {
        List<AdapterVersion> versions = registry.versions(adapterId);
        if (versions.isEmpty()) {
          throw new RegistryException(
              String.format("Adapter %s is not in the registry at %s", adapterId, registry.url()));
        }
        Map<String, Integer> aliases =
            registry.list().stream()
                .filter(summary -> summary.adapterId().equals(adapterId))
                .findFirst()
                .map(AdapterSummary::aliases)
                .orElse(Map.of());
        out.println("adapter " + adapterId);
        out.println(
            "aliases "
                + (aliases.isEmpty()
                    ? "-"
                    : aliases.entrySet().stream()
                        .map(alias -> alias.getKey() + "=v" + alias.getValue())
                        .collect(Collectors.joining(" "))));
        for (AdapterVersion version : versions) {
          out.println();
          out.printf(
              "v%d  run %s  published %s%n",
              version.version(), version.runId(), version.createdAt());
          out.println("  artifact      " + version.artifactUri());
          out.println("  base model    " + version.baseModelFingerprint());
          out.println("  prepared data " + version.preparedDataFingerprint());
          out.println("  config        " + version.configJson());
          out.println("  metrics       " + version.metricsJson());
          for (ArtifactFile file : version.files()) {
            out.printf(
                "  file %s  %d bytes  sha256 %s%n", file.path(), file.sizeBytes(), file.sha256());
          }
        }
      }
      out.flush();
    }
  }

  @Command(
      name = "promote",
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class,
      description =
          "Point the adapter's production alias at VERSION (the previous one is kept in its history).")
  static final class Promote implements Runnable {
    @Mixin Location location;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ADAPTER_ID", description = "The adapter.")
    String adapterId;

    @Parameters(
        index = "1",
        paramLabel = "VERSION",
        description = "The version number, e.g. 3 (or v3).")
    String version;

    @Override
    public void run() {
      String digits = version.startsWith("v") ? version.substring(1) : version;
      if (!digits.matches("[1-9][0-9]{0,8}")) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            String.format(
                "Cannot promote %s to version '%s': must be a positive number",
                adapterId, version));
      }
      try (AdapterRegistry registry = location.open()) {
        AdapterVersion promoted = registry.promote(adapterId, Integer.parseInt(digits));
        spec.commandLine()
            .getOut()
            .printf(
                "%s production -> v%d (%s)%n",
                adapterId, promoted.version(), promoted.artifactUri());
      }
      spec.commandLine().getOut().flush();
    }
  }

  @Command(
      name = "rollback",
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class,
      description =
          "Move the adapter's production alias back to the version before its latest promotion.")
  static final class Rollback implements Runnable {
    @Mixin Location location;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ADAPTER_ID", description = "The adapter.")
    String adapterId;

    @Override
    public void run() {
      try (AdapterRegistry registry = location.open()) {
        AdapterVersion current = registry.rollback(adapterId);
        spec.commandLine()
            .getOut()
            .printf(
                "%s production -> v%d (%s)%n", adapterId, current.version(), current.artifactUri());
      }
      spec.commandLine().getOut().flush();
    }
  }

  @Command(
      name = "export-vllm",
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class,
      description = {
        "Print the production version of every adapter for a serving engine:",
        "  vllm  (default) the arguments of 'vllm serve BASE --enable-lora': --lora-modules name=path …",
        "  lorax one JSON object per line with the request parameters adapter_id and adapter_source",
        "Adapters without a production version are left out (named on stderr)."
      })
  static final class ExportVllm implements Runnable {
    enum Format {
      vllm,
      lorax
    }

    @Mixin Location location;
    @Spec CommandSpec spec;

    @Option(
        names = "--format",
        defaultValue = "vllm",
        description = "vllm or lorax (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public void run() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      List<String> modules = new ArrayList<>();
      try (AdapterRegistry registry = location.open()) {
        for (AdapterSummary adapter : registry.list()) {
          var production = registry.alias(adapter.adapterId(), AdapterRegistry.PRODUCTION);
          if (production.isEmpty()) {
            err.println("skipped " + adapter.adapterId() + ": no production version");
            continue;
          }
          AdapterVersion version = production.get();
          URI uri = URI.create(version.artifactUri());
          if (format == Format.vllm) {
            modules.add(version.adapterId() + "=" + shellQuote(localPath(version, uri, "vLLM")));
          } else {
            boolean s3 = "s3".equals(uri.getScheme()) || "s3a".equals(uri.getScheme());
            String adapterUri =
                s3
                    ? "s3://" + uri.getAuthority() + uri.getPath()
                    : localPath(version, uri, "LoRAX");
            out.printf(
                "{\"name\":\"%s\",\"adapter_id\":\"%s\",\"adapter_source\":\"%s\"}%n",
                version.adapterId(), jsonEscape(adapterUri), s3 ? "s3" : "local");
          }
        }
      }
      if (format == Format.vllm && !modules.isEmpty()) {
        out.println("--lora-modules " + String.join(" ", modules));
      }
      out.flush();
      err.flush();
    }

    private static String localPath(AdapterVersion version, URI uri, String engine) {
      if (!"file".equals(uri.getScheme())) {
        throw new RegistryException(
            String.format(
                "Cannot export adapter %s v%d for %s: it loads adapters from a local path, and %s"
                    + " is not one (copy the store locally first)",
                version.adapterId(), version.version(), engine, uri));
      }
      return Paths.get(uri).toString();
    }

    private static String shellQuote(String path) {
      return path.matches("[A-Za-z0-9_./=:+-]+") ? path : "'" + path.replace("'", "'\\''") + "'";
    }

    private static String jsonEscape(String text) {
      return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
  }
}
