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
import io.adapterforge.preprocessing.PrepareTally;
import io.adapterforge.preprocessing.PreparedOutputs;
import io.adapterforge.preprocessing.TallyCounter;
import io.adapterforge.preprocessing.encode.EncodingSpec;
import io.adapterforge.preprocessing.read.CorpusFile;
import io.adapterforge.preprocessing.read.CorpusFiles;
import io.adapterforge.preprocessing.read.CorpusReader;
import io.adapterforge.preprocessing.read.LineCounter;
import io.adapterforge.preprocessing.split.Splitter;
import io.adapterforge.preprocessing.split.Splitter.Promotion;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The prepare job: lists the corpus files, runs {@link PreparePipeline}, writes {@code data/},
 * {@code rejects/} and {@code report.json} into a staging folder beside the output and then swaps
 * it into place, so readers see the old dataset or the new one, never half of one. The expensive
 * pass runs once and writes the data and the rejects together ({@link
 * PreparedOutputs#dataWithParkedRejects}); its rows are counted as they are made ({@link
 * TallyCounter}) and the lines as the files are read ({@link LineCounter}), so nothing is read
 * twice. Fails when the books do not balance (a line lost is a bug, not a statistic).
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
    // Reading the tokenizer and compiling the template overlap the session's first query plan
    // (everything up to the encoding).
    CompletableFuture<EncodingSpec> specLoad =
        CompletableFuture.supplyAsync(
            () ->
                EncodingSpec.create(
                    context, request.tokenizerDir(), config.prepare(), systemPrompts));
    LineCounter linesRead = LineCounter.register(spark);
    Dataset<Row> lines = CorpusReader.lines(spark, files, linesRead);
    org.apache.hadoop.fs.Path output = new org.apache.hadoop.fs.Path(request.output());
    // One pass makes every row (parse … tokenize, mask) and writes the training rows and, parked
    // beside them, the rejects, counting the rows as it goes; what follows is small: the rejects
    // moved to their own layout, one row per adapter moved to test where the splits left none.
    long inputBytes = files.stream().mapToLong(CorpusFile::length).sum();
    int partitions = PreparePipeline.partitions(spark, config.prepare(), inputBytes);
    Dataset<Row> split = PreparePipeline.split(lines, config.prepare(), partitions);
    EncodingSpec spec = join(specLoad);
    TallyCounter counter = TallyCounter.register(spark);
    Dataset<Row> encoded = PreparePipeline.encode(split, spec, counter);
    try {
      FileSystem fs = output.getFileSystem(hadoop);
      org.apache.hadoop.fs.Path staging =
          new org.apache.hadoop.fs.Path(
              output.getParent(), "." + output.getName() + ".staging-" + UUID.randomUUID());
      org.apache.hadoop.fs.Path data =
          new org.apache.hadoop.fs.Path(staging, PreparedLayout.DATA_DIR);
      try {
        spark
            .sparkContext()
            .setJobDescription("prepare: parse, clean, dedup, render, tokenize, mask, write");
        progress.accept(
            "Parsing, cleaning, deduplicating, rendering, tokenizing, masking, writing");
        PreparedOutputs.dataWithParkedRejects(encoded, partitions)
            .write()
            .mode(SaveMode.ErrorIfExists)
            .partitionBy(PreparedLayout.ADAPTER_ID, PreparedLayout.SPLIT)
            .parquet(data.toString());
        PrepareTally tally =
            counter
                .tally(PreparedOutputs.writers(spark, partitions))
                .orElseGet(
                    () -> {
                      progress.accept(
                          "Some rows were not counted as they were made; counting again");
                      return PrepareTally.of(encoded);
                    });
        spark.sparkContext().setJobDescription("prepare: write rejects");
        progress.accept("Writing rejects");
        unparkRejects(
            spark, fs, data, new org.apache.hadoop.fs.Path(staging, PreparedLayout.REJECTS_DIR));
        List<Promotion> promotions = Splitter.promotions(tally, config.prepare().split());
        if (!promotions.isEmpty()) {
          spark.sparkContext().setJobDescription("prepare: move test rows");
          progress.accept(
              "Moving a row to test in " + promotions.size() + " adapter(s) without one");
          promote(spark, fs, data, new org.apache.hadoop.fs.Path(staging, "promoted"), promotions);
        }
        PrepareReport report =
            PrepareReport.compute(
                tally, promotions, linesRead.total(), metadata(config, request, spec, files));
        if (!report.booksBalance()) {
          throw new IllegalStateException(
              "The books do not balance, refusing to publish "
                  + request.output()
                  + ": "
                  + report.summary()
                  + " ("
                  + linesRead.files()
                  + " of "
                  + files.size()
                  + " files read to their end)");
        }
        try (OutputStream out =
            fs.create(new org.apache.hadoop.fs.Path(staging, PreparedLayout.REPORT_FILE), false)) {
          JSON.writeValue(out, report.json());
        }
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

  /**
   * Writes the rejects parked under {@code data} in the rejects layout, then removes them there.
   */
  private static void unparkRejects(
      SparkSession spark,
      FileSystem fs,
      org.apache.hadoop.fs.Path data,
      org.apache.hadoop.fs.Path rejects)
      throws IOException {
    FileStatus[] folders =
        fs.globStatus(
            new org.apache.hadoop.fs.Path(
                data, "*/" + PreparedLayout.SPLIT + "=" + PreparedOutputs.PARKED));
    List<String> paths = new ArrayList<>();
    for (FileStatus folder : folders == null ? new FileStatus[0] : folders) {
      paths.add(folder.getPath().toString());
    }
    Dataset<Row> parked =
        paths.isEmpty()
            ? spark.createDataFrame(List.of(), PreparedOutputs.DATA)
            : spark.read().schema(PreparedOutputs.DATA).parquet(paths.toArray(String[]::new));
    PreparedOutputs.unparkRejects(parked)
        .write()
        .mode(SaveMode.ErrorIfExists)
        .parquet(rejects.toString());
    for (String path : paths) {
      org.apache.hadoop.fs.Path folder = new org.apache.hadoop.fs.Path(path);
      fs.delete(folder, true);
      FileStatus[] left = fs.listStatus(folder.getParent());
      if (left.length == 0) {
        fs.delete(folder.getParent(), false);
      }
    }
  }

  /**
   * Moves the promoted rows to test: rewrites the folders they come from, with them in {@code
   * split=test}, into {@code scratch}, then puts those folders in place of the old ones.
   */
  private static void promote(
      SparkSession spark,
      FileSystem fs,
      org.apache.hadoop.fs.Path data,
      org.apache.hadoop.fs.Path scratch,
      List<Promotion> promotions)
      throws IOException {
    Set<org.apache.hadoop.fs.Path> sources = new LinkedHashSet<>();
    for (Promotion promotion : promotions) {
      // Adapter ids of kept rows are valid folder names as they are (AdapterIds).
      sources.add(
          new org.apache.hadoop.fs.Path(
              data,
              PreparedLayout.ADAPTER_ID
                  + "="
                  + promotion.adapterId()
                  + "/"
                  + PreparedLayout.SPLIT
                  + "="
                  + promotion.fromSplit()));
    }
    Dataset<Row> folders =
        spark
            .read()
            .schema(PreparedOutputs.DATA)
            .option("basePath", data.toString())
            .parquet(sources.stream().map(Object::toString).toArray(String[]::new));
    PreparedOutputs.promoted(folders, promotions)
        .write()
        .mode(SaveMode.ErrorIfExists)
        .partitionBy(PreparedLayout.ADAPTER_ID, PreparedLayout.SPLIT)
        .parquet(scratch.toString());
    for (org.apache.hadoop.fs.Path source : sources) {
      fs.delete(source, true);
    }
    FileStatus[] rewritten =
        fs.globStatus(
            new org.apache.hadoop.fs.Path(
                scratch, PreparedLayout.ADAPTER_ID + "=*/" + PreparedLayout.SPLIT + "=*"));
    for (FileStatus folder : rewritten == null ? new FileStatus[0] : rewritten) {
      org.apache.hadoop.fs.Path adapter =
          new org.apache.hadoop.fs.Path(data, folder.getPath().getParent().getName());
      fs.mkdirs(adapter);
      org.apache.hadoop.fs.Path target =
          new org.apache.hadoop.fs.Path(adapter, folder.getPath().getName());
      if (fs.exists(target) || !fs.rename(folder.getPath(), target)) {
        throw new IOException("Cannot move " + folder.getPath() + " to " + target);
      }
    }
    fs.delete(scratch, true);
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
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
