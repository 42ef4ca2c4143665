package io.adapterforge.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adapterforge.airflow.AirflowClient;
import io.adapterforge.airflow.AirflowSettings;
import io.adapterforge.airflow.DagRun;
import io.adapterforge.airflow.DagRunWatcher;
import io.adapterforge.airflow.TaskInstance;
import io.adapterforge.airflow.TaskStateChange;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code adapterforge airflow trigger|status}: run and watch the retraining DAG through Airflow.
 */
@Command(
    name = "airflow",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Trigger and watch DAG runs through Airflow's REST API: Airflow 3 (/api/v2, token from",
      "/auth/token) or Airflow 2 (/api/v1, basic auth)."
    },
    subcommands = {AirflowCommand.Trigger.class, AirflowCommand.Status.class})
final class AirflowCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing a subcommand: trigger or status");
  }

  @Command(
      name = "trigger",
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class,
      description = {
        "Trigger a DAG run and print its run id. With --wait, print each task's state as it",
        "changes (time, task, state) and exit 0 when the run succeeds, 1 when it fails."
      })
  static final class Trigger implements Callable<Integer> {
    @Option(names = "--dag", required = true, paramLabel = "DAG_ID", description = "The DAG.")
    String dagId;

    @Option(
        names = "--conf",
        paramLabel = "JSON",
        description = "The run's conf, a JSON object, e.g. '{\"tenants\":[\"banking\"]}'.")
    String conf;

    @Option(
        names = "--run-id",
        paramLabel = "ID",
        description = "The run id (default adapterforge__<UTC time>).")
    String runId;

    @Option(names = "--wait", description = "Wait for the run to finish, showing task states.")
    boolean await;

    @Option(
        names = "--poll-interval",
        paramLabel = "S",
        defaultValue = "5",
        converter = DurationConverter.class,
        description = "Seconds between polls with --wait, or 500ms, 1m (default ${DEFAULT-VALUE}).")
    Duration pollInterval;

    @Mixin Connection connection;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Map<String, Object> runConf = parseConf();
      String id = runId != null ? runId : defaultRunId(Instant.now());
      if (id.isBlank() || !id.matches("[A-Za-z0-9_.~:+-]+")) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "Cannot use --run-id '" + id + "': Airflow allows only letters, digits and _.~:+-");
      }
      AirflowClient client = new AirflowClient(connection.settings(spec));
      DagRun run = client.triggerDagRun(dagId, id, runConf);
      PrintWriter out = spec.commandLine().getOut();
      out.println(run.runId());
      out.flush();
      if (!await) {
        return CommandLine.ExitCode.OK;
      }
      DagRun finished =
          new DagRunWatcher(client, pollInterval, Clock.systemUTC())
              .watch(dagId, run.runId(), change -> printChange(out, change));
      return finish(out, finished);
    }

    private Map<String, Object> parseConf() {
      if (conf == null) {
        return Map.of();
      }
      try {
        Map<String, Object> parsed =
            new ObjectMapper().readValue(conf, new TypeReference<Map<String, Object>>() {});
        if (parsed == null) {
          throw new CommandLine.ParameterException(
              spec.commandLine(), "Cannot use --conf 'null': must be a JSON object");
        }
        return parsed;
      } catch (JsonProcessingException e) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "Cannot use --conf '"
                + conf
                + "': must be a JSON object ("
                + e.getOriginalMessage()
                + ")");
      }
    }

    static String defaultRunId(Instant now) {
      return "adapterforge__" + now.truncatedTo(ChronoUnit.MILLIS);
    }

    private static void printChange(PrintWriter out, TaskStateChange change) {
      out.printf(
          Locale.ROOT,
          "%s  %-20s %s%n",
          change.time().truncatedTo(ChronoUnit.SECONDS),
          change.task().displayName(),
          change.task().displayState());
      out.flush();
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class,
      description = {
        "Print a DAG run's state and its tasks' states. Exits 1 when the run failed, else 0."
      })
  static final class Status implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run id.")
    String runId;

    @Option(names = "--dag", required = true, paramLabel = "DAG_ID", description = "The DAG.")
    String dagId;

    @Mixin Connection connection;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      AirflowClient client = new AirflowClient(connection.settings(spec));
      DagRun run = client.getDagRun(dagId, runId);
      List<TaskInstance> tasks = client.listTaskInstances(dagId, runId);
      PrintWriter out = spec.commandLine().getOut();
      out.println("run " + run.runId() + " of DAG " + run.dagId() + ": " + run.state());
      int width = "task".length();
      for (TaskInstance task : tasks) {
        width = Math.max(width, task.displayName().length());
      }
      out.printf(Locale.ROOT, "%-" + width + "s  %-14s %s%n", "task", "state", "tries");
      for (TaskInstance task : tasks) {
        out.printf(
            Locale.ROOT,
            "%-" + width + "s  %-14s %d%n",
            task.displayName(),
            task.displayState(),
            task.tryNumber());
      }
      out.flush();
      return run.state().equals(DagRun.FAILED)
          ? CommandLine.ExitCode.SOFTWARE
          : CommandLine.ExitCode.OK;
    }
  }

  private static int finish(PrintWriter out, DagRun run) {
    out.println("run " + run.runId() + " of DAG " + run.dagId() + " finished: " + run.state());
    out.flush();
    return run.isSuccessful() ? CommandLine.ExitCode.OK : CommandLine.ExitCode.SOFTWARE;
  }

  /** Where Airflow is and how to log in: the options behind {@link AirflowSettings}. */
  static final class Connection {
    @Option(
        names = "--url",
        paramLabel = "URL",
        defaultValue = "http://127.0.0.1:8080",
        description = "Airflow's web/API server (default ${DEFAULT-VALUE}).")
    String url;

    @Option(
        names = "--api-version",
        paramLabel = "2|3",
        defaultValue = "3",
        description =
            "3: Airflow 3, /api/v2, token auth; 2: Airflow 2, /api/v1, basic auth"
                + " (default ${DEFAULT-VALUE}).")
    int apiVersion;

    @Option(
        names = "--user",
        paramLabel = "USER",
        defaultValue = "${env:AIRFLOW_USER}",
        description = "Airflow user (default: $AIRFLOW_USER).")
    String user;

    @Option(
        names = "--password",
        paramLabel = "PASSWORD",
        defaultValue = "${env:AIRFLOW_PASSWORD}",
        description = "Airflow password (default: $AIRFLOW_PASSWORD, which keeps it out of ps).")
    String password;

    @Option(
        names = "--timeout",
        paramLabel = "S",
        defaultValue = "30",
        converter = DurationConverter.class,
        description = "Seconds one request may take, or 500ms, 2m (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(
        names = "--retries",
        paramLabel = "N",
        defaultValue = "3",
        description = "Retries after a 5xx answer or a timeout (default ${DEFAULT-VALUE}).")
    int retries;

    @Option(
        names = "--retry-backoff",
        paramLabel = "S",
        defaultValue = "1",
        converter = DurationConverter.class,
        description = "Wait before the first retry, doubled each time (default ${DEFAULT-VALUE}).")
    Duration retryBackoff;

    /** The settings, or a usage error naming the option that is missing or wrong. */
    AirflowSettings settings(CommandSpec spec) {
      if (user == null || user.isBlank()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "Missing the Airflow user: pass --user or set AIRFLOW_USER");
      }
      if (password == null || password.isEmpty()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "Missing the Airflow password: set AIRFLOW_PASSWORD or pass --password");
      }
      URI uri;
      try {
        uri = new URI(url);
      } catch (URISyntaxException e) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "Cannot use --url '" + url + "': " + e.getMessage());
      }
      try {
        return new AirflowSettings(uri, apiVersion, user, password, timeout, retries, retryBackoff);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
    }
  }

  /** A duration: plain (decimal) seconds, or a number with {@code ms}, {@code s} or {@code m}. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String text = value.strip().toLowerCase(Locale.ROOT);
      BigDecimal millisPerUnit = BigDecimal.valueOf(1000);
      if (text.endsWith("ms")) {
        text = text.substring(0, text.length() - 2);
        millisPerUnit = BigDecimal.ONE;
      } else if (text.endsWith("s")) {
        text = text.substring(0, text.length() - 1);
      } else if (text.endsWith("m")) {
        text = text.substring(0, text.length() - 1);
        millisPerUnit = BigDecimal.valueOf(60_000);
      }
      try {
        BigDecimal millis = new BigDecimal(text.strip()).multiply(millisPerUnit);
        if (millis.signum() < 0) {
          throw new CommandLine.TypeConversionException(
              "'" + value + "' is negative; expected a duration such as 5, 0.5, 200ms or 2m");
        }
        return Duration.ofMillis(millis.longValue());
      } catch (NumberFormatException e) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a duration such as 5, 0.5, 200ms or 2m");
      }
    }
  }
}
