package io.adapterforge.jobs;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adapterforge.config.AdapterConfig;
import io.adapterforge.config.AdapterforgeConfig;
import io.adapterforge.dataset.PreparedLayout;
import io.adapterforge.preprocessing.PreparePipeline;
import io.adapterforge.preprocessing.PrepareReport;
import io.adapterforge.preprocessing.PreparedOutputs;
import io.adapterforge.preprocessing.encode.EncodingSpec;
import io.adapterforge.preprocessing.read.CorpusFile;
import io.adapterforge.preprocessing.read.CorpusFiles;
import io.adapterforge.preprocessing.read.CorpusReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The prepare job: lists the corpus files, runs {@link PreparePipeline}, writes {@code data/},
 * {@code rejects/} and {@code report.json} into a staging folder beside the output and then swaps
 * it into place, so readers see the old dataset or the new one, never half of one. Fails when the
 * books do not balance (a line lost is a bug, not a statistic).
 */
public final class PrepareJob {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private PrepareJob() {}

  /**
   * What to prepare.
   *
   * @param inputs files, folders or globs, local or any Hadoop FileSystem URI
   * @param tokenizerDir folder with tokenizer.json and tokenizer_config.json
   * @param output the prepared dataset folder (replaced when it exists)
   */
  public record Request(List<String> inputs, Path tokenizerDir, String output) {
    public Request {
      inputs = List.copyOf(requireNonNull(inputs, "inputs is null"));
      requireNonNull(tokenizerDir, "tokenizerDir is null");
      requireNonNull(output, "output is null");
    }
  }

  /** Runs the job in the given session; returns the report. */
  public static PrepareReport run(
      SparkSession spark, AdapterforgeConfig config, Request request, Consumer<String> progress) {
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Configuration hadoop = context.hadoopConfiguration();
    List<CorpusFile> files = CorpusFiles.list(hadoop, request.inputs());
    progress.accept("Reading " + files.size() + " corpus files");
    Map<String, String> systemPrompts = new LinkedHashMap<>();
    for (AdapterConfig adapter : config.adapters().values()) {
      adapter.systemPrompt().ifPresent(prompt -> systemPrompts.put(adapter.id(), prompt));
    }
    EncodingSpec spec =
        EncodingSpec.create(context, request.tokenizerDir(), config.prepare(), systemPrompts);
    Dataset<Row> lines = CorpusReader.lines(spark, files);
    org.apache.hadoop.fs.Path output = new org.apache.hadoop.fs.Path(request.output());
    try {
      FileSystem fs = output.getFileSystem(hadoop);
      org.apache.hadoop.fs.Path staging =
          new org.apache.hadoop.fs.Path(
              output.getParent(), "." + output.getName() + ".staging-" + UUID.randomUUID());
      try {
        // The expensive pass (parse … tokenize, mask) runs once and lands in Parquet beside the
        // output; the data, the rejects and the report are read from there, column-pruned.
        org.apache.hadoop.fs.Path encodedPath =
            new org.apache.hadoop.fs.Path(staging, "encoded-rows");
        spark
            .sparkContext()
            .setJobDescription("prepare: parse, clean, dedup, render, tokenize, mask");
        progress.accept("Parsing, cleaning, deduplicating, rendering, tokenizing and masking");
        PreparePipeline.encode(lines, config.prepare(), spec)
            .write()
            .mode(SaveMode.ErrorIfExists)
            .parquet(encodedPath.toString());
        Dataset<Row> prepared =
            PreparePipeline.finish(spark.read().parquet(encodedPath.toString()), config.prepare());
        spark.sparkContext().setJobDescription("prepare: write data");
        progress.accept("Writing training rows and rejects");
        PreparedOutputs.data(prepared)
            .write()
            .mode(SaveMode.ErrorIfExists)
            .partitionBy(PreparedLayout.ADAPTER_ID, PreparedLayout.SPLIT)
            .parquet(new org.apache.hadoop.fs.Path(staging, PreparedLayout.DATA_DIR).toString());
        spark.sparkContext().setJobDescription("prepare: write rejects");
        PreparedOutputs.rejects(prepared)
            .write()
            .mode(SaveMode.ErrorIfExists)
            .parquet(new org.apache.hadoop.fs.Path(staging, PreparedLayout.REJECTS_DIR).toString());
        spark.sparkContext().setJobDescription("prepare: count input lines");
        long linesRead = lines.count();
        spark.sparkContext().setJobDescription("prepare: report");
        PrepareReport report =
            PrepareReport.compute(prepared, linesRead, metadata(config, request, spec, files));
        if (!report.booksBalance()) {
          throw new IllegalStateException(
              "The books do not balance, refusing to publish "
                  + request.output()
                  + ": "
                  + report.summary());
        }
        try (OutputStream out =
            fs.create(new org.apache.hadoop.fs.Path(staging, PreparedLayout.REPORT_FILE), false)) {
          JSON.writeValue(out, report.json());
        }
        fs.delete(encodedPath, true);
        swapIntoPlace(fs, staging, output);
        progress.accept(report.summary());
        return report;
      } finally {
        if (fs.exists(staging)) {
          fs.delete(staging, true);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + request.output() + ": " + e.getMessage(), e);
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
  }

  private static ObjectNode metadata(
      AdapterforgeConfig config, Request request, EncodingSpec spec, List<CorpusFile> files) {
    ObjectNode root = JSON.createObjectNode();
    root.putPOJO("inputs", request.inputs());
    root.put("files", files.size());
    ObjectNode tokenizer = root.putObject("tokenizer");
    tokenizer.put("path", request.tokenizerDir().toAbsolutePath().toString());
    tokenizer.put("sha256", spec.tokenizerFingerprint());
    ObjectNode template = root.putObject("chat_template");
    String source = config.prepare().chatTemplate();
    template.put("source", source.isEmpty() ? "tokenizer" : source);
    template.put("sha256", spec.templateFingerprint());
    ObjectNode settings = root.putObject("config");
    settings.set("prepare", JSON.valueToTree(config.prepare()));
    settings.set("adapters", JSON.valueToTree(config.adapters()));
    return root;
  }

  private static void swapIntoPlace(
      FileSystem fs, org.apache.hadoop.fs.Path staging, org.apache.hadoop.fs.Path output)
      throws IOException {
    org.apache.hadoop.fs.Path old = null;
    if (fs.exists(output)) {
      old =
          new org.apache.hadoop.fs.Path(
              output.getParent(), "." + output.getName() + ".old-" + UUID.randomUUID());
      if (!fs.rename(output, old)) {
        throw new IOException("cannot move the previous " + output + " aside");
      }
    }
    if (!fs.rename(staging, output)) {
      if (old != null) {
        fs.rename(old, output);
      }
      throw new IOException("cannot move the new dataset into " + output);
    }
    if (old != null) {
      fs.delete(old, true);
    }
  }
}
