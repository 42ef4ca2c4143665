package io.adapterforge.trainer.train;

import io.adapterforge.trainer.TrainingException;
import io.adapterforge.trainer.model.ModelConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

/**
 * The rows of an {@link ExampleSource}, read once and checked against the model: ids and labels in
 * the vocabulary, lengths within {@code max_position_embeddings}. Rows with nothing to score are
 * dropped (they would add no gradient). The fingerprint (sha256 of every row's ids and labels, in
 * order) tells a resumed run whether it sees the same data. Immutable.
 */
final class TrainingRows {
  private final List<TrainingExample> examples;
  private final int skipped;
  private final String fingerprint;

  private TrainingRows(List<TrainingExample> examples, int skipped, String fingerprint) {
    this.examples = List.copyOf(examples);
    this.skipped = skipped;
    this.fingerprint = fingerprint;
  }

  static TrainingRows read(ExampleSource source, String role, ModelConfig config) {
    long expected = source.size();
    List<TrainingExample> kept = new ArrayList<>();
    MessageDigest digest = sha256();
    int skipped = 0;
    long index = 0;
    Iterator<TrainingExample> rows = source.open();
    while (rows.hasNext()) {
      TrainingExample example = rows.next();
      if (example == null) {
        throw new TrainingException("Cannot train on " + role + " row " + index + ": it is null");
      }
      check(example, role, index, config);
      index++;
      if (example.lossTokens() == 0) {
        skipped++;
        continue;
      }
      ByteBuffer bytes =
          ByteBuffer.allocate(4 + 8 * example.length()).order(ByteOrder.LITTLE_ENDIAN);
      bytes.putInt(example.length());
      for (int i = 0; i < example.length(); i++) {
        bytes.putInt(example.inputId(i));
      }
      for (int i = 0; i < example.length(); i++) {
        bytes.putInt(example.label(i));
      }
      digest.update(bytes.array());
      kept.add(example);
    }
    if (index != expected) {
      throw new TrainingException(
          String.format(
              "Cannot train: the %s source %s said it has %d rows but yielded %d",
              role, source, expected, index));
    }
    return new TrainingRows(kept, skipped, HexFormat.of().formatHex(digest.digest()));
  }

  private static void check(TrainingExample example, String role, long index, ModelConfig config) {
    if (example.length() > config.maxPositionEmbeddings()) {
      throw new TrainingException(
          String.format(
              "Cannot train on %s row %d: it has %d tokens, more than max_position_embeddings %d",
              role, index, example.length(), config.maxPositionEmbeddings()));
    }
    for (int i = 0; i < example.length(); i++) {
      int id = example.inputId(i);
      int label = example.label(i);
      if (id < 0 || id >= config.vocabSize()) {
        throw new TrainingException(
            String.format(
                "Cannot train on %s row %d: input id %d at position %d is outside the vocabulary"
                    + " (vocab_size %d)",
                role, index, id, i, config.vocabSize()));
      }
      if (label >= config.vocabSize()) {
        throw new TrainingException(
            String.format(
                "Cannot train on %s row %d: label %d at position %d is outside the vocabulary"
                    + " (vocab_size %d)",
                role, index, label, i, config.vocabSize()));
      }
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("The JVM has no SHA-256", e);
    }
  }

  List<TrainingExample> examples() {
    return examples;
  }

  int size() {
    return examples.size();
  }

  int skipped() {
    return skipped;
  }

  String fingerprint() {
    return fingerprint;
  }

  int[] lengths() {
    int[] lengths = new int[examples.size()];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = examples.get(i).length();
    }
    return lengths;
  }
}
