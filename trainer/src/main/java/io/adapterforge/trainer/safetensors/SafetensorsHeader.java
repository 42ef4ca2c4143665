package io.adapterforge.trainer.safetensors;

import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adapterforge.trainer.ModelLoadException;
import io.adapterforge.trainer.storage.ByteSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parsed and validated header of one safetensors file. Immutable.
 *
 * <p>Validation follows the reference implementation: the header is at most 100 MB of UTF-8 JSON;
 * tensors, taken in offset order, cover the data section exactly with no gap or overlap; each
 * tensor's byte count equals its element count times its dtype's size; {@code __metadata__} maps
 * strings to strings.
 */
public final class SafetensorsHeader {
  /** The reference implementation's limit on the JSON header, in bytes. */
  public static final long MAX_HEADER_BYTES = 100_000_000L;

  static final String METADATA_KEY = "__metadata__";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final Map<String, String> metadata;
  private final List<TensorInfo> tensors;
  private final Map<String, TensorInfo> byName;
  private final long dataOffset;

  private SafetensorsHeader(
      Map<String, String> metadata, List<TensorInfo> tensors, long dataOffset) {
    this.metadata = Collections.unmodifiableMap(metadata);
    this.tensors = List.copyOf(tensors);
    Map<String, TensorInfo> names = new LinkedHashMap<>();
    for (TensorInfo tensor : tensors) {
      names.put(tensor.name(), tensor);
    }
    this.byName = Collections.unmodifiableMap(names);
    this.dataOffset = dataOffset;
  }

  /**
   * Reads and validates the header of a safetensors file.
   *
   * @throws ModelLoadException naming the file and the rule it breaks
   */
  public static SafetensorsHeader read(ByteSource source) {
    String location = source.location();
    try {
      long fileSize = source.size();
      if (fileSize < 8) {
        throw invalid(
            location, "it has " + fileSize + " bytes, fewer than the 8 of the header length");
      }
      ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      source.readFully(0, lengthBytes);
      long headerLength = lengthBytes.getLong(0);
      // An unsigned length above 2^63 reads as negative here; it is too large either way.
      if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
        throw invalid(
            location,
            "the header length "
                + Long.toUnsignedString(headerLength)
                + " exceeds the limit of "
                + MAX_HEADER_BYTES
                + " bytes");
      }
      if (8 + headerLength > fileSize) {
        throw invalid(
            location,
            "the header length "
                + headerLength
                + " runs past the end of the "
                + fileSize
                + "-byte file");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLength);
      source.readFully(8, header);
      return parse(header.array(), fileSize, location);
    } catch (IOException e) {
      throw new ModelLoadException(
          "Cannot read the safetensors header of " + location + ": " + e, e);
    }
  }

  static SafetensorsHeader parse(byte[] headerBytes, long fileSize, String location) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(headerBytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw invalid(location, "the header is not valid UTF-8");
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (IOException e) {
      throw invalid(location, "the header is not valid JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw invalid(location, "the header is not a JSON object");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    List<TensorInfo> tensors = new ArrayList<>();
    for (Map.Entry<String, JsonNode> entry : root.properties()) {
      if (entry.getKey().equals(METADATA_KEY)) {
        readMetadata(entry.getValue(), metadata, location);
      } else {
        tensors.add(readTensor(entry.getKey(), entry.getValue(), location));
      }
    }
    tensors.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
    long dataSize = fileSize - 8 - headerBytes.length;
    long position = 0;
    for (TensorInfo tensor : tensors) {
      if (tensor.begin() != position) {
        throw invalid(
            location,
            String.format(
                "tensor '%s' starts at data offset %d, but the previous tensor ends at %d (tensors"
                    + " must be contiguous)",
                tensor.name(), tensor.begin(), position));
      }
      position = tensor.end();
    }
    if (position != dataSize) {
      throw invalid(
          location,
          String.format(
              "its tensors cover %d data bytes but the file holds %d after the header",
              position, dataSize));
    }
    return new SafetensorsHeader(metadata, tensors, 8 + headerBytes.length);
  }

  private static void readMetadata(JsonNode node, Map<String, String> metadata, String location) {
    if (node.isNull()) {
      return;
    }
    if (!node.isObject()) {
      throw invalid(location, "__metadata__ is not a JSON object");
    }
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      if (!entry.getValue().isTextual()) {
        throw invalid(
            location,
            "__metadata__ entry '"
                + entry.getKey()
                + "' is "
                + entry.getValue()
                + ", not a string");
      }
      metadata.put(entry.getKey(), entry.getValue().textValue());
    }
  }

  private static TensorInfo readTensor(String name, JsonNode node, String location) {
    if (!node.isObject()) {
      throw invalid(location, "tensor '" + name + "' is not described by a JSON object");
    }
    JsonNode dtypeNode = node.get("dtype");
    if (dtypeNode == null || !dtypeNode.isTextual()) {
      throw invalid(location, "tensor '" + name + "' has no dtype string");
    }
    TensorDtype dtype;
    try {
      dtype = TensorDtype.valueOf(dtypeNode.textValue());
    } catch (IllegalArgumentException e) {
      throw invalid(
          location, "tensor '" + name + "' has unknown dtype '" + dtypeNode.textValue() + "'");
    }
    long[] dimensions = longs(node.get("shape"), -1, name, "shape", location);
    long[] offsets = longs(node.get("data_offsets"), 2, name, "data_offsets", location);
    if (offsets[1] < offsets[0]) {
      throw invalid(
          location,
          String.format(
              "tensor '%s' has data_offsets [%d, %d] that end before they begin",
              name, offsets[0], offsets[1]));
    }
    long expectedBytes;
    try {
      long elements = 1;
      for (long dimension : dimensions) {
        elements = Math.multiplyExact(elements, dimension);
      }
      expectedBytes = Math.multiplyExact(elements, dtype.byteSize());
    } catch (ArithmeticException e) {
      throw invalid(
          location, "tensor '" + name + "' has a shape whose byte size overflows 64 bits");
    }
    if (offsets[1] - offsets[0] != expectedBytes) {
      throw invalid(
          location,
          String.format(
              "tensor '%s' (%s, shape %s) needs %d bytes but its data_offsets [%d, %d] hold %d",
              name,
              dtype,
              new Shape(dimensions),
              expectedBytes,
              offsets[0],
              offsets[1],
              offsets[1] - offsets[0]));
    }
    return new TensorInfo(name, dtype, new Shape(dimensions), offsets[0], offsets[1]);
  }

  private static long[] longs(
      JsonNode node, int expectedLength, String tensor, String field, String location) {
    String shapeRule =
        expectedLength >= 0
            ? "an array of " + expectedLength + " integers"
            : "an array of integers";
    if (node == null || !node.isArray() || (expectedLength >= 0 && node.size() != expectedLength)) {
      throw invalid(
          location, String.format("tensor '%s' has %s %s, not %s", tensor, field, node, shapeRule));
    }
    long[] values = new long[node.size()];
    for (int i = 0; i < values.length; i++) {
      JsonNode value = node.get(i);
      if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
        throw invalid(
            location,
            String.format(
                "tensor '%s' has %s %s with an entry that is not a non-negative 64-bit integer",
                tensor, field, node));
      }
      values[i] = value.longValue();
    }
    return values;
  }

  private static ModelLoadException invalid(String location, String reason) {
    return new ModelLoadException("Invalid safetensors file " + location + ": " + reason);
  }

  /** The {@code __metadata__} entries, in file order; empty when the file has none. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** All tensors, in the order of their data in the file. */
  public List<TensorInfo> tensors() {
    return tensors;
  }

  /** The tensor of that name, if the file has one. */
  public Optional<TensorInfo> tensor(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Absolute file offset of the data section: 8 plus the header length. */
  public long dataOffset() {
    return dataOffset;
  }
}
