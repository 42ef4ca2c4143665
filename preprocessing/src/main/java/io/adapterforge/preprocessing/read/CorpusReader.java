package io.adapterforge.preprocessing.read;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads corpus files as a Dataset of lines, one Spark partition per file, streaming: {@code source
 * string, line long, folder_adapter string, text string, error string}. Gzip and other Hadoop
 * codecs are decompressed by extension. Partitions go largest file first, so that a big file does
 * not start last and leave the other cores idle.
 */
public final class CorpusReader {
  public static final String FOLDER_ADAPTER = "folder_adapter";
  public static final String TEXT = "text";
  public static final String ERROR = "error";

  /** Schema of the lines Dataset. */
  public static final StructType SCHEMA =
      new StructType()
          .add("source", DataTypes.StringType, false)
          .add("line", DataTypes.LongType, false)
          .add(FOLDER_ADAPTER, DataTypes.StringType, true)
          .add(TEXT, DataTypes.StringType, true)
          .add(ERROR, DataTypes.StringType, true);

  private CorpusReader() {}

  /** The lines of the files, uncounted. */
  public static Dataset<Row> lines(SparkSession spark, List<CorpusFile> files) {
    return lines(spark, files, null);
  }

  /**
   * The lines of the files; each file's count goes to {@code counter} (registered, or null for
   * none) once it has been read to its end.
   */
  public static Dataset<Row> lines(
      SparkSession spark, List<CorpusFile> files, LineCounter counter) {
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    SerializableHadoopConf conf = new SerializableHadoopConf(context.hadoopConfiguration());
    List<CorpusFile> largestFirst = new ArrayList<>(files);
    largestFirst.sort(
        Comparator.comparingLong(CorpusFile::length).reversed().thenComparing(CorpusFile::path));
    JavaRDD<Row> rows =
        context
            .parallelize(largestFirst, Math.max(1, largestFirst.size()))
            .flatMap(new ReadLines(conf, counter));
    return spark.createDataFrame(rows, SCHEMA);
  }

  /** Streams each file of a partition; captures only the Hadoop configuration and the counter. */
  private static final class ReadLines implements FlatMapFunction<CorpusFile, Row> {
    private static final long serialVersionUID = 1L;
    private final SerializableHadoopConf conf;
    private final LineCounter counter;

    ReadLines(SerializableHadoopConf conf, LineCounter counter) {
      this.conf = conf;
      this.counter = counter;
    }

    @Override
    public Iterator<Row> call(CorpusFile file) {
      LineReader reader = new LineReader(file, conf.get());
      return new Iterator<>() {
        private long lines;
        private boolean counted;

        @Override
        public boolean hasNext() {
          boolean more = reader.hasNext();
          if (!more && !counted && counter != null) {
            // Keyed by partition too: a file listed twice is read, and counted, twice.
            counter.count(TaskContext.getPartitionId() + " " + file.path(), lines);
            counted = true;
          }
          return more;
        }

        @Override
        public Row next() {
          RawLine line = reader.next();
          lines++;
          return RowFactory.create(
              line.source(), line.line(), line.folderAdapter(), line.text(), line.error());
        }
      };
    }
  }

  /** Builds the lines Dataset from in-memory lines (tests, benchmarks). */
  public static Dataset<Row> fromLines(SparkSession spark, List<RawLine> lines) {
    List<Row> rows = new ArrayList<>();
    for (RawLine line : lines) {
      rows.add(
          RowFactory.create(
              line.source(), line.line(), line.folderAdapter(), line.text(), line.error()));
    }
    return spark.createDataFrame(rows, SCHEMA);
  }
}
