package io.adapterforge.train;

import static java.util.Objects.requireNonNull;

import io.adapterforge.dataset.PreparedLayout;
import io.adapterforge.trainer.TrainingException;
import io.adapterforge.trainer.train.ExampleSource;
import io.adapterforge.trainer.train.TrainingExample;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;

/**
 * The rows of one adapter and split, read on the executor straight from the prepared dataset's
 * partition folder {@code data/adapter_id=<id>/split=<split>/} (partition pruning by path: no other
 * adapter's file is opened) with parquet-hadoop's example {@link Group} reader, reading only the
 * {@code example_id}, {@code input_ids} and {@code labels} columns.
 *
 * <p>{@link #open()} yields the rows sorted by {@code example_id}, so every call yields the same
 * rows in the same order whatever the file names or row order inside files (a resumed run relies on
 * it). Memory: one adapter split's ids and labels (the trainer holds them in memory too). {@link
 * #size()} comes from the Parquet footers, without reading data. A missing folder is an empty
 * split. Not thread-safe.
 */
public final class ParquetExampleSource implements ExampleSource {
  private final Path folder;
  private final Configuration hadoop;
  private List<Path> files;

  /**
   * The rows of {@code adapterId}'s {@code split} under the prepared dataset {@code prepared}.
   *
   * @param hadoop the Hadoop configuration to resolve the file system with
   */
  public ParquetExampleSource(
      String prepared, String adapterId, String split, Configuration hadoop) {
    requireNonNull(prepared, "prepared is null");
    requireNonNull(adapterId, "adapterId is null");
    requireNonNull(split, "split is null");
    this.hadoop = requireNonNull(hadoop, "hadoop is null");
    this.folder =
        new Path(
            new Path(
                new Path(prepared, PreparedLayout.DATA_DIR),
                PreparedLayout.ADAPTER_ID + "=" + adapterId),
            PreparedLayout.SPLIT + "=" + split);
  }

  /** The partition folder read. */
  public String location() {
    return folder.toString();
  }

  @Override
  public long size() {
    long rows = 0;
    for (Path file : files()) {
      try (ParquetFileReader reader =
          ParquetFileReader.open(HadoopInputFile.fromPath(file, hadoop))) {
        rows += reader.getRecordCount();
      } catch (IOException | RuntimeException e) {
        throw new TrainingException("Cannot read the footer of " + file + ": " + e, e);
      }
    }
    return rows;
  }

  @Override
  public Iterator<TrainingExample> open() {
    List<TrainingExample> examples = new ArrayList<>();
    rows(false).forEach(row -> examples.add(row.example()));
    return examples.iterator();
  }

  /**
   * The first {@code limit} rows by example id, with their normalized conversation (for evaluation:
   * the reference reply and the prompt).
   */
  public List<PreparedRow> rows(int limit) {
    List<PreparedRow> rows = rows(true);
    return List.copyOf(rows.subList(0, Math.min(limit, rows.size())));
  }

  private List<PreparedRow> rows(boolean withConversation) {
    List<PreparedRow> rows = new ArrayList<>();
    for (Path file : files()) {
      read(file, rows, withConversation);
    }
    rows.sort(Comparator.comparing(PreparedRow::exampleId));
    return rows;
  }

  private List<Path> files() {
    if (files == null) {
      try {
        FileSystem fs = folder.getFileSystem(hadoop);
        if (!fs.exists(folder)) {
          files = List.of();
          return files;
        }
        List<Path> found = new ArrayList<>();
        for (FileStatus status : fs.listStatus(folder)) {
          String name = status.getPath().getName();
          if (status.isFile()
              && name.endsWith(".parquet")
              && !name.startsWith("_")
              && !name.startsWith(".")) {
            found.add(status.getPath());
          }
        }
        found.sort(Comparator.comparing(Path::toString));
        files = List.copyOf(found);
      } catch (IOException e) {
        throw new TrainingException("Cannot list " + folder + ": " + e, e);
      }
    }
    return files;
  }

  @SuppressWarnings("deprecation") // the Path-based builder is the one that takes a Configuration
  private void read(Path file, List<PreparedRow> rows, boolean withConversation) {
    Configuration conf = new Configuration(hadoop);
    conf.set(ReadSupport.PARQUET_READ_SCHEMA, projection(file, withConversation).toString());
    try (ParquetReader<Group> reader =
        ParquetReader.builder(new GroupReadSupport(), file).withConf(conf).build()) {
      for (Group row = reader.read(); row != null; row = reader.read()) {
        rows.add(
            new PreparedRow(
                row.getString(PreparedLayout.EXAMPLE_ID, 0),
                withConversation ? row.getString(PreparedLayout.CONVERSATION, 0) : null,
                new TrainingExample(
                    ints(row, PreparedLayout.INPUT_IDS), ints(row, PreparedLayout.LABELS))));
      }
    } catch (IOException | RuntimeException e) {
      throw new TrainingException("Cannot read training rows from " + file + ": " + e, e);
    }
  }

  private MessageType projection(Path file, boolean withConversation) {
    try (ParquetFileReader reader =
        ParquetFileReader.open(HadoopInputFile.fromPath(file, hadoop))) {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      List<org.apache.parquet.schema.Type> fields = new ArrayList<>();
      fields.add(schema.getType(PreparedLayout.EXAMPLE_ID));
      if (withConversation) {
        fields.add(schema.getType(PreparedLayout.CONVERSATION));
      }
      fields.add(schema.getType(PreparedLayout.INPUT_IDS));
      fields.add(schema.getType(PreparedLayout.LABELS));
      return new MessageType(schema.getName(), fields);
    } catch (IOException | RuntimeException e) {
      throw new TrainingException("Cannot read the schema of " + file + ": " + e, e);
    }
  }

  /** An {@code array<int>} column in Spark's Parquet list layout: {@code list.element}. */
  private static int[] ints(Group row, String field) {
    Group list = row.getGroup(field, 0);
    GroupType listType = list.getType();
    String repeated = listType.getFieldName(0);
    int count = list.getFieldRepetitionCount(repeated);
    int[] values = new int[count];
    for (int i = 0; i < count; i++) {
      values[i] = list.getGroup(repeated, i).getInteger(0, 0);
    }
    return values;
  }

  @Override
  public String toString() {
    return "ParquetExampleSource[" + folder + "]";
  }

  /**
   * One prepared row.
   *
   * @param exampleId its example id
   * @param conversation the normalized conversation JSON; null when not read
   * @param example its token ids and labels
   */
  public record PreparedRow(String exampleId, String conversation, TrainingExample example) {}
}
