package io.adapterforge.preprocessing.read;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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
 * codecs are decompressed by extension.
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

  public static Dataset<Row> lines(SparkSession spark, List<CorpusFile> files) {
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    SerializableHadoopConf conf = new SerializableHadoopConf(context.hadoopConfiguration());
    JavaRDD<Row> rows =
        context
            .parallelize(new ArrayList<>(files), Math.max(1, files.size()))
            .flatMap(new ReadLines(conf));
    return spark.createDataFrame(rows, SCHEMA);
  }

  /** Streams each file of a partition; captures only the Hadoop configuration. */
  private static final class ReadLines implements FlatMapFunction<CorpusFile, Row> {
    private static final long serialVersionUID = 1L;
    private final SerializableHadoopConf conf;

    ReadLines(SerializableHadoopConf conf) {
      this.conf = conf;
    }

    @Override
    public Iterator<Row> call(CorpusFile file) {
      LineReader reader = new LineReader(file, conf.get());
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return reader.hasNext();
        }

        @Override
        public Row next() {
          RawLine line = reader.next();
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
