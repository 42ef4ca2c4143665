package io.adapterforge.trainer.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adapterforge.trainer.NdManagerExtension;
import io.adapterforge.trainer.ReferenceModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files cross between Python and Java: {@code python-written.safetensors} comes from the reference
 * script's writer, which follows the Rust library's layout rules; Java must read it and, writing
 * the same tensors, produce the same bytes. The other way, Python's reader checks a Java file.
 */
@ExtendWith(NdManagerExtension.class)
class PythonInteropTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final Path SCRIPT = Path.of("src/test/python/make_reference_models.py");

  @TempDir Path directory;

  /** The script fills every tensor with v[i] = (i - 3) * 0.25, exact in every dtype. */
  private static double scriptValue(int i) {
    return (i - 3) * 0.25;
  }

  @Test
  void readsAFileWrittenByPython(NDManager manager) {
    try (SafetensorsFile file =
        SafetensorsFile.open(ReferenceModels.root().resolve("python-written.safetensors"))) {
      assertThat(file.metadata())
          .containsExactly(
              Map.entry("format", "pt"), Map.entry("producer", "make_reference_models.py"));
      assertThat(file.names())
          .containsExactly("bf16.cube", "f16.vector", "f32.matrix", "i32.ids", "i64.ids", "scalar");
      assertValues(file.read("f32.matrix", manager), new Shape(2, 3), DataType.FLOAT32);
      assertValues(file.read("f16.vector", manager), new Shape(5), DataType.FLOAT16);
      assertValues(file.read("bf16.cube", manager), new Shape(2, 2, 2), DataType.FLOAT32);
      assertThat(file.read("i64.ids", manager).toLongArray()).containsExactly(-3, -2, -1, 0);
      assertThat(file.read("i32.ids", manager).toIntArray()).containsExactly(-3, -2, -1);
      NDArray scalar = file.read("scalar", manager);
      assertThat(scalar.getShape()).isEqualTo(new Shape());
      assertThat(scalar.getFloat()).isEqualTo(0.75f);
    }
  }

  @Test
  void rewritesThePythonFileByteForByte(NDManager manager) throws IOException {
    Path original = ReferenceModels.root().resolve("python-written.safetensors");
    Path copy = directory.resolve("java-written.safetensors");
    try (SafetensorsFile file = SafetensorsFile.open(original)) {
      SafetensorsWriter writer = new SafetensorsWriter();
      file.metadata().forEach(writer::putMetadata);
      for (String name : file.names()) {
        writer.put(name, file.read(name, manager), file.info(name).orElseThrow().dtype());
      }
      writer.write(copy);
    }
    assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(original));
  }

  @Test
  void pythonReadsAFileWrittenByJava(NDManager manager) throws IOException, InterruptedException {
    assumeTrue(
        Files.isExecutable(PYTHON),
        "Assumes Debian's /usr/bin/python3 to run the reference reader; it is not installed");
    NDArray random = manager.randomNormal(new Shape(4, 6));
    NDArray exact = manager.create(new float[] {-1.5f, 0.25f, 96f, -0.0078125f});
    Path file = directory.resolve("from-java.safetensors");
    new SafetensorsWriter()
        .putMetadata("step", "12")
        .put("layer.0.weight", random)
        .put("exact.bf16", exact, TensorDtype.BF16)
        .put("exact.f16", exact, TensorDtype.F16)
        .put("ids", manager.create(new long[] {5, -9}))
        .put("mask", manager.create(new int[] {1, 0, 1}))
        .write(file);

    Process process =
        new ProcessBuilder(PYTHON.toString(), SCRIPT.toString(), "--dump", file.toString())
            .redirectErrorStream(true)
            .start();
    byte[] output = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(new String(output, StandardCharsets.UTF_8)).isZero();

    JsonNode dump = new ObjectMapper().readTree(output);
    assertThat(dump.get("metadata").get("format").textValue()).isEqualTo("pt");
    assertThat(dump.get("metadata").get("step").textValue()).isEqualTo("12");
    JsonNode tensors = dump.get("tensors");
    assertThat(floats(tensors.get("layer.0.weight"))).containsExactly(random.toFloatArray());
    assertThat(floats(tensors.get("exact.bf16"))).containsExactly(exact.toFloatArray());
    assertThat(floats(tensors.get("exact.f16"))).containsExactly(exact.toFloatArray());
    assertThat(tensors.get("ids").get("values").toString()).isEqualTo("[5,-9]");
    assertThat(tensors.get("mask").get("dtype").textValue()).isEqualTo("I32");
    assertThat(tensors.get("layer.0.weight").get("shape").toString()).isEqualTo("[4,6]");
  }

  private static void assertValues(NDArray array, Shape shape, DataType type) {
    assertThat(array.getShape()).isEqualTo(shape);
    assertThat(array.getDataType()).isEqualTo(type);
    float[] values = array.toType(DataType.FLOAT32, false).toFloatArray();
    for (int i = 0; i < values.length; i++) {
      assertThat((double) values[i]).isEqualTo(scriptValue(i));
    }
  }

  private static float[] floats(JsonNode tensor) {
    List<Float> values = new ArrayList<>();
    tensor.get("values").forEach(value -> values.add(value.floatValue()));
    float[] result = new float[values.size()];
    for (int i = 0; i < result.length; i++) {
      result[i] = values.get(i);
    }
    return result;
  }
}
