package io.adapterforge.trainer.safetensors;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adapterforge.trainer.TrainingException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

/**
 * Writes DJL arrays as a safetensors file laid out exactly as the Hugging Face {@code safetensors}
 * library lays it out: compact JSON header with {@code __metadata__} first (entry {@code format}
 * {@code pt} unless replaced), tensors ordered by descending dtype alignment then by name, each
 * described as {@code {"dtype","shape","data_offsets"}}, the header padded with spaces to a
 * multiple of 8 bytes, data little-endian and contiguous in that order.
 *
 * <p>Collect tensors with {@link #put} (arrays), {@link #putCopy} (the unchanged bytes of a tensor
 * in another file) or {@link #putComputed} (an array made only when its bytes are written, then
 * freed), then {@link #write(Path)} (atomically: a temporary file in the same folder, forced to
 * disk, then renamed over the target) or {@link #write(WritableByteChannel)}. Arrays are read when
 * writing, chunk by chunk, so tensors larger than 2 GiB are fine; the writer keeps references to
 * them and does not close them.
 *
 * <p>Not thread-safe: build and write from one thread, and do not modify or close the arrays until
 * the write returns.
 */
public final class SafetensorsWriter {
  static final int DEFAULT_CHUNK_BYTES = 64 << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, String> metadata = new TreeMap<>(Map.of("format", "pt"));
  private final Map<String, Entry> tensors = new LinkedHashMap<>();
  private final int chunkBytes;

  /**
   * One tensor: exactly one of {@code array}, {@code source} (with {@code sourceName}) and {@code
   * producer} (with {@code manager}) is set.
   */
  private record Entry(
      String name,
      TensorDtype dtype,
      Shape shape,
      NDArray array,
      SafetensorsFile source,
      String sourceName,
      Function<NDManager, NDArray> producer,
      NDManager manager) {
    long byteSize() {
      return Math.multiplyExact(shape.size(), dtype.byteSize());
    }
  }

  /** A writer with no tensors and metadata {@code {"format": "pt"}}. */
  public SafetensorsWriter() {
    this(DEFAULT_CHUNK_BYTES);
  }

  SafetensorsWriter(int chunkBytes) {
    this.chunkBytes = chunkBytes;
  }

  /** Adds or replaces a {@code __metadata__} entry. */
  public SafetensorsWriter putMetadata(String key, String value) {
    metadata.put(requireNonNull(key, "key is null"), requireNonNull(value, "value is null"));
    return this;
  }

  /** Adds a tensor stored in its array's own type. */
  public SafetensorsWriter put(String name, NDArray array) {
    requireNonNull(array, "array is null");
    TensorDtype dtype =
        TensorDtype.of(array.getDataType())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "Cannot write tensor '" + name + "' of type " + array.getDataType()));
    return put(name, array, dtype);
  }

  /**
   * Adds a tensor stored as {@code dtype}, converting when it differs from the array's type
   * (float32 to BF16 rounds to nearest even, as PyTorch does).
   *
   * @throws IllegalArgumentException if the name is taken or reserved, or the type is not one DJL
   *     can produce
   */
  public SafetensorsWriter put(String name, NDArray array, TensorDtype dtype) {
    requireNonNull(array, "array is null");
    requireNonNull(dtype, "dtype is null");
    checkName(name);
    if (dtype != TensorDtype.BF16 && dtype.dataType().isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot write tensor '" + name + "' as " + dtype + ": DJL has no such type");
    }
    if (array.isSparse()) {
      throw new IllegalArgumentException("Cannot write sparse tensor '" + name + "'");
    }
    tensors.put(name, new Entry(name, dtype, array.getShape(), array, null, null, null, null));
    return this;
  }

  /**
   * Adds the tensor {@code sourceName} of {@code source} under {@code name}, copying its bytes
   * unchanged (same dtype and shape) when writing, in chunks: nothing is converted or held in
   * memory. The source must stay open until the write returns.
   */
  public SafetensorsWriter putCopy(String name, SafetensorsFile source, String sourceName) {
    requireNonNull(source, "source is null");
    requireNonNull(sourceName, "sourceName is null");
    TensorInfo info =
        source
            .info(sourceName)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "Cannot copy tensor '" + sourceName + "': not in " + source.location()));
    checkName(name);
    tensors.put(
        name, new Entry(name, info.dtype(), info.shape(), null, source, sourceName, null, null));
    return this;
  }

  /**
   * Adds a tensor of {@code shape} stored as {@code dtype} whose array {@code producer} makes when
   * the writer reaches it, in a fresh sub-manager of {@code manager} that is closed right after its
   * bytes are written; so only one such tensor is in memory at a time.
   *
   * @throws IllegalArgumentException if the name is taken or reserved, or the type is not one DJL
   *     can produce; when writing, if the array's shape is not {@code shape}
   */
  public SafetensorsWriter putComputed(
      String name,
      TensorDtype dtype,
      Shape shape,
      NDManager manager,
      Function<NDManager, NDArray> producer) {
    requireNonNull(dtype, "dtype is null");
    requireNonNull(shape, "shape is null");
    requireNonNull(manager, "manager is null");
    requireNonNull(producer, "producer is null");
    checkName(name);
    if (dtype != TensorDtype.BF16 && dtype.dataType().isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot write tensor '" + name + "' as " + dtype + ": DJL has no such type");
    }
    tensors.put(name, new Entry(name, dtype, shape, null, null, null, producer, manager));
    return this;
  }

  private void checkName(String name) {
    requireNonNull(name, "name is null");
    if (name.equals(SafetensorsHeader.METADATA_KEY)) {
      throw new IllegalArgumentException("Cannot name a tensor " + name + ": the key is reserved");
    }
    if (tensors.containsKey(name)) {
      throw new IllegalArgumentException("Cannot add tensor '" + name + "' twice");
    }
  }

  /** Writes the file atomically: it appears complete under {@code file} or not at all. */
  public void write(Path file) {
    requireNonNull(file, "file is null");
    Path absolute = file.toAbsolutePath();
    Path temporary =
        absolute.resolveSibling("." + absolute.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      try (FileChannel channel =
          FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        write(channel);
        channel.force(true);
      }
      try {
        Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(temporary);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof TrainingException) {
        throw (TrainingException) e;
      }
      throw new TrainingException("Cannot write safetensors file " + file + ": " + e, e);
    }
  }

  /** Writes the file to a channel, which stays open. */
  public void write(WritableByteChannel channel) throws IOException {
    List<Entry> ordered = ordered();
    byte[] header = header(ordered);
    ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    length.putLong(0, header.length);
    writeFully(channel, length);
    writeFully(channel, ByteBuffer.wrap(header));
    for (Entry entry : ordered) {
      writeData(channel, entry);
    }
  }

  /** The header bytes (JSON padded with spaces), as {@link #write} will write them. */
  byte[] header() {
    return header(ordered());
  }

  private List<Entry> ordered() {
    List<Entry> ordered = new ArrayList<>(tensors.values());
    // The reference implementation: larger alignment first, then names as UTF-8 bytes.
    ordered.sort(
        Comparator.comparing((Entry entry) -> entry.dtype().ordinal())
            .reversed()
            .thenComparing(
                (a, b) ->
                    Arrays.compareUnsigned(
                        a.name().getBytes(StandardCharsets.UTF_8),
                        b.name().getBytes(StandardCharsets.UTF_8))));
    return ordered;
  }

  private byte[] header(List<Entry> ordered) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put(SafetensorsHeader.METADATA_KEY, metadata);
    long offset = 0;
    for (Entry entry : ordered) {
      long bytes = entry.byteSize();
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("dtype", entry.dtype().name());
      info.put("shape", entry.shape().getShape());
      info.put("data_offsets", new long[] {offset, offset + bytes});
      root.put(entry.name(), info);
      offset += bytes;
    }
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new TrainingException("Cannot encode a safetensors header: " + e, e);
    }
    int padding = (8 - json.length % 8) % 8;
    byte[] padded = Arrays.copyOf(json, json.length + padding);
    Arrays.fill(padded, json.length, padded.length, (byte) ' ');
    return padded;
  }

  private void writeData(WritableByteChannel channel, Entry entry) throws IOException {
    if (entry.source() != null) {
      copyData(channel, entry);
    } else if (entry.producer() != null) {
      try (NDManager scope = entry.manager().newSubManager()) {
        NDArray array = entry.producer().apply(scope);
        if (!array.getShape().equals(entry.shape())) {
          throw new IllegalArgumentException(
              String.format(
                  "Cannot write tensor '%s': it was declared %s but computed as %s",
                  entry.name(), entry.shape(), array.getShape()));
        }
        writeArray(channel, array, entry.dtype());
      }
    } else {
      writeArray(channel, entry.array(), entry.dtype());
    }
  }

  private void copyData(WritableByteChannel channel, Entry entry) throws IOException {
    long total = entry.byteSize();
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(total, chunkBytes));
    for (long offset = 0; offset < total; offset += buffer.capacity()) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), total - offset));
      entry.source().readBytes(entry.sourceName(), offset, buffer);
      buffer.flip();
      writeFully(channel, buffer);
    }
  }

  private void writeArray(WritableByteChannel channel, NDArray array, TensorDtype dtype)
      throws IOException {
    long total = array.size();
    if (total == 0) {
      return;
    }
    boolean narrow = dtype == TensorDtype.BF16;
    DataType produced = narrow ? DataType.FLOAT32 : dtype.dataType().orElseThrow();
    long chunkElements = Math.max(1, chunkBytes / produced.getNumOfBytes());
    try (NDManager scratch = array.getManager().newSubManager()) {
      NDArray flat = array.reshape(-1);
      flat.attach(scratch);
      for (long start = 0; start < total; start += chunkElements) {
        long end = Math.min(total, start + chunkElements);
        NDArray piece = total <= chunkElements ? flat : flat.get(new NDIndex("{}:{}", start, end));
        if (piece.getDataType() != produced) {
          piece = piece.toType(produced, false);
        }
        ByteBuffer bytes = piece.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        if (narrow) {
          ByteBuffer halves = ByteBuffer.allocate(bytes.remaining() / 2);
          Bfloat16.narrow(bytes, halves);
          halves.flip();
          bytes = halves;
        }
        writeFully(channel, bytes);
      }
    }
  }

  private static void writeFully(WritableByteChannel channel, ByteBuffer buffer)
      throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }
}
