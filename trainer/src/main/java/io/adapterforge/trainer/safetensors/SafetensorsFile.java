package io.adapterforge.trainer.safetensors;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.adapterforge.trainer.ModelLoadException;
import io.adapterforge.trainer.storage.ByteSource;
import io.adapterforge.trainer.storage.StorageDirectory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One safetensors file, read one tensor at a time.
 *
 * <p>Opening reads and validates only the header. {@link #read} then reads a tensor's bytes with
 * positioned reads in chunks of at most 64 MiB, converts each chunk to the requested type in native
 * memory and joins the chunks there, so neither the file nor any tensor passes through a single
 * Java array, and offsets beyond 2 GiB are ordinary.
 *
 * <p>Thread-safe for concurrent reads (each with its own {@link NDManager}); {@link #close()} must
 * not race with reads.
 */
public final class SafetensorsFile implements TensorReader {
  static final int DEFAULT_CHUNK_BYTES = 64 << 20;

  private final ByteSource source;
  private final SafetensorsHeader header;
  private final int chunkBytes;
  private final SortedSet<String> names;

  private SafetensorsFile(ByteSource source, SafetensorsHeader header, int chunkBytes) {
    this.source = source;
    this.header = header;
    this.chunkBytes = chunkBytes;
    TreeSet<String> sorted = new TreeSet<>();
    header.tensors().forEach(tensor -> sorted.add(tensor.name()));
    this.names = Collections.unmodifiableSortedSet(sorted);
  }

  /** Opens a local file. */
  public static SafetensorsFile open(Path file) {
    requireNonNull(file, "file is null");
    Path parent = file.toAbsolutePath().getParent();
    try {
      return open(StorageDirectory.local(parent).open(file.getFileName().toString()));
    } catch (IOException e) {
      throw new ModelLoadException("Cannot open safetensors file " + file + ": " + e, e);
    }
  }

  /**
   * Reads the header of a source and takes ownership of it: closing the returned file closes the
   * source, and so does a failure to open it.
   */
  public static SafetensorsFile open(ByteSource source) {
    return open(source, DEFAULT_CHUNK_BYTES);
  }

  static SafetensorsFile open(ByteSource source, int chunkBytes) {
    requireNonNull(source, "source is null");
    try {
      return new SafetensorsFile(source, SafetensorsHeader.read(source), chunkBytes);
    } catch (RuntimeException e) {
      closeQuietly(source, e);
      throw e;
    }
  }

  /** The parsed header. */
  public SafetensorsHeader header() {
    return header;
  }

  /** The {@code __metadata__} entries; empty when the file has none. */
  public Map<String, String> metadata() {
    return header.metadata();
  }

  /** The file's location, for messages. */
  public String location() {
    return source.location();
  }

  @Override
  public SortedSet<String> names() {
    return names;
  }

  @Override
  public Optional<TensorInfo> info(String name) {
    return header.tensor(name);
  }

  @Override
  public String locationOf(String name) {
    return source.location();
  }

  @Override
  public NDArray read(String name, NDManager manager, DataType type) {
    requireNonNull(manager, "manager is null");
    requireNonNull(type, "type is null");
    TensorInfo info = require(name);
    checkConversion(info, type);
    if (info.elementCount() == 0) {
      return manager.zeros(info.shape(), type);
    }
    boolean widen = info.dtype() == TensorDtype.BF16;
    DataType stored = widen ? DataType.FLOAT32 : info.dtype().dataType().orElseThrow();
    int elementBytes = info.dtype().byteSize();
    long total = info.elementCount();
    long chunkElements = Math.max(1, chunkBytes / elementBytes);
    int bufferElements = (int) Math.min(total, chunkElements);
    ByteBuffer raw = ByteBuffer.allocateDirect(bufferElements * elementBytes);
    ByteBuffer wide = widen ? ByteBuffer.allocateDirect(bufferElements * 4) : null;
    try (NDManager scratch = manager.newSubManager()) {
      NDList parts = new NDList();
      for (long start = 0; start < total; start += chunkElements) {
        int count = (int) Math.min(chunkElements, total - start);
        raw.clear().limit(count * elementBytes);
        source.readFully(header.dataOffset() + info.begin() + start * elementBytes, raw);
        raw.flip();
        ByteBuffer data = raw;
        if (widen) {
          wide.clear();
          Bfloat16.widen(raw, wide);
          wide.flip();
          data = wide;
        }
        // DJL wraps a direct buffer without copying it: copy (or convert) into memory the array
        // owns before the buffer is refilled.
        try (NDArray wrapped =
            scratch.create(data.order(ByteOrder.LITTLE_ENDIAN), new Shape(count), stored)) {
          parts.add(stored == type ? wrapped.duplicate() : wrapped.toType(type, true));
        }
      }
      NDArray flat = parts.size() == 1 ? parts.singletonOrThrow() : NDArrays.concat(parts);
      NDArray result = flat.reshape(info.shape());
      result.attach(manager);
      return result;
    } catch (IOException e) {
      throw new ModelLoadException(
          String.format("Cannot read tensor '%s' from %s: %s", name, location(), e), e);
    }
  }

  /**
   * Copies raw little-endian bytes of a tensor, starting {@code offset} bytes into its data, to
   * fill {@code target}. For streaming a tensor elsewhere unchanged.
   *
   * @throws ModelLoadException if the range leaves the tensor or the file cannot be read
   */
  public void readBytes(String name, long offset, ByteBuffer target) {
    TensorInfo info = require(name);
    if (offset < 0 || offset + target.remaining() > info.byteSize()) {
      throw new ModelLoadException(
          String.format(
              "Cannot read bytes %d..%d of tensor '%s' in %s: it has %d bytes",
              offset, offset + target.remaining(), name, location(), info.byteSize()));
    }
    try {
      source.readFully(header.dataOffset() + info.begin() + offset, target);
    } catch (IOException e) {
      throw new ModelLoadException(
          String.format("Cannot read tensor '%s' from %s: %s", name, location(), e), e);
    }
  }

  @Override
  public void close() {
    try {
      source.close();
    } catch (IOException e) {
      throw new ModelLoadException("Cannot close " + location() + ": " + e, e);
    }
  }

  private TensorInfo require(String name) {
    return header
        .tensor(name)
        .orElseThrow(() -> new ModelLoadException("Tensor '" + name + "' is not in " + location()));
  }

  private void checkConversion(TensorInfo info, DataType type) {
    String refusal = null;
    if (type == DataType.BFLOAT16) {
      refusal = "DJL 0.36's PyTorch engine aborts the JVM on BFLOAT16 arrays; read it as FLOAT32";
    } else if (info.dtype() != TensorDtype.BF16 && info.dtype().dataType().isEmpty()) {
      refusal = "DJL has no type for " + info.dtype();
    } else if (info.dtype().isFloatingPoint() && !type.isFloating()) {
      refusal = "converting floating-point values to " + type + " would truncate them";
    } else if (!type.isFloating() && info.dtype().dataType().orElseThrow() != type) {
      refusal = "integer tensors can be read as their own type or a floating-point type";
    }
    if (refusal != null) {
      throw new ModelLoadException(
          String.format(
              "Cannot read tensor '%s' (%s) of %s as %s: %s",
              info.name(), info.dtype(), location(), type, refusal));
    }
  }

  private static void closeQuietly(ByteSource source, Exception primary) {
    try {
      source.close();
    } catch (IOException suppressed) {
      primary.addSuppressed(suppressed);
    }
  }
}
