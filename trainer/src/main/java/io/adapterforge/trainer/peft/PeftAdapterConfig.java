package io.adapterforge.trainer.peft;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.adapterforge.config.LoraConfig;
import io.adapterforge.trainer.ModelLoadException;
import io.adapterforge.trainer.lora.LoraSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The {@code adapter_config.json} of a PEFT LoRA adapter.
 *
 * <p>Written with the fields PEFT's {@code LoraConfig} has had since version 0.7 (so PEFT, vLLM and
 * LoRAX read it): {@code peft_type} LORA, {@code task_type} CAUSAL_LM, {@code r}, {@code
 * lora_alpha}, {@code lora_dropout}, {@code target_modules}, {@code bias} none, {@code use_rslora},
 * {@code base_model_name_or_path}, and the defaults of the others ({@code fan_in_fan_out} false,
 * empty {@code rank_pattern} and {@code alpha_pattern}, …). Read back, every field that would make
 * the adapter compute something other than {@code W + scale·B·A} on whole projections is refused
 * with its name: per-module rank or alpha patterns, DoRA, biases, {@code fan_in_fan_out}, layer
 * subsets, modules to save, a regular expression as {@code target_modules}.
 *
 * @param settings rank, alpha, dropout, target modules and rsLoRA
 * @param baseModelNameOrPath the base model the adapter was trained on
 */
public record PeftAdapterConfig(LoraSettings settings, String baseModelNameOrPath) {
  /** The file name in an adapter folder. */
  public static final String FILE_NAME = "adapter_config.json";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(SerializationFeature.INDENT_OUTPUT);

  public PeftAdapterConfig {
    requireNonNull(settings, "settings is null");
    requireNonNull(baseModelNameOrPath, "baseModelNameOrPath is null");
  }

  /** The JSON text, pretty-printed, fields sorted as PEFT writes them. */
  public String toJson() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("alpha_pattern", Map.of());
    root.put("auto_mapping", null);
    root.put("base_model_name_or_path", baseModelNameOrPath);
    root.put("bias", "none");
    root.put("fan_in_fan_out", false);
    root.put("inference_mode", true);
    root.put("init_lora_weights", true);
    root.put("layers_pattern", null);
    root.put("layers_to_transform", null);
    root.put("lora_alpha", number(settings.alpha()));
    root.put("lora_dropout", settings.dropout());
    root.put("modules_to_save", null);
    root.put("peft_type", "LORA");
    root.put("r", settings.rank());
    root.put("rank_pattern", Map.of());
    root.put("revision", null);
    root.put("target_modules", settings.targetModules());
    root.put("task_type", "CAUSAL_LM");
    root.put("use_rslora", settings.useRslora());
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot encode " + FILE_NAME, e);
    }
  }

  /**
   * Parses an {@code adapter_config.json}; {@code location} names it in messages.
   *
   * @throws ModelLoadException naming the file, field and value of anything unsupported or invalid
   */
  public static PeftAdapterConfig parse(byte[] json, String location) {
    requireNonNull(json, "json is null");
    requireNonNull(location, "location is null");
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new ModelLoadException(
          "Cannot parse " + location + ": not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new ModelLoadException("Cannot parse " + location + ": not a JSON object");
    }
    Reader reader = new Reader(root, location);
    reader.require("peft_type", "LORA");
    reader.requireIfPresent("task_type", "CAUSAL_LM");
    reader.requireIfPresent("bias", "none");
    reader.requireFalse("fan_in_fan_out");
    reader.requireFalse("use_dora");
    reader.requireEmpty("rank_pattern");
    reader.requireEmpty("alpha_pattern");
    reader.requireEmpty("layers_to_transform");
    reader.requireEmpty("modules_to_save");
    JsonNode rank = reader.field("r");
    if (!rank.canConvertToInt() || !rank.isIntegralNumber() || rank.intValue() <= 0) {
      throw reader.invalid("r", rank, "must be a positive integer");
    }
    JsonNode alpha = reader.field("lora_alpha");
    if (!alpha.isNumber() || alpha.doubleValue() <= 0) {
      throw reader.invalid("lora_alpha", alpha, "must be a positive number");
    }
    JsonNode dropoutNode = root.get("lora_dropout");
    double dropout = 0;
    if (dropoutNode != null && !dropoutNode.isNull()) {
      if (!dropoutNode.isNumber()
          || dropoutNode.doubleValue() < 0
          || dropoutNode.doubleValue() >= 1) {
        throw reader.invalid("lora_dropout", dropoutNode, "must be a number in [0, 1)");
      }
      dropout = dropoutNode.doubleValue();
    }
    JsonNode targets = reader.field("target_modules");
    if (targets.isTextual()) {
      throw reader.invalid(
          "target_modules", targets, "a regular expression is not supported; list the modules");
    }
    if (!targets.isArray() || targets.isEmpty()) {
      throw reader.invalid("target_modules", targets, "must be a non-empty list of module names");
    }
    List<String> modules = new ArrayList<>();
    for (JsonNode target : targets) {
      String name = target.isTextual() ? target.textValue() : target.toString();
      if (!LoraConfig.KNOWN_TARGET_MODULES.contains(name)) {
        throw reader.invalid(
            "target_modules",
            targets,
            "'" + name + "' is not one of " + new TreeSet<>(LoraConfig.KNOWN_TARGET_MODULES));
      }
      if (modules.contains(name)) {
        throw reader.invalid("target_modules", targets, "'" + name + "' is listed twice");
      }
      modules.add(name);
    }
    JsonNode rslora = root.get("use_rslora");
    if (rslora != null && !rslora.isNull() && !rslora.isBoolean()) {
      throw reader.invalid("use_rslora", rslora, "must be true or false");
    }
    JsonNode base = root.get("base_model_name_or_path");
    return new PeftAdapterConfig(
        new LoraSettings(
            rank.intValue(),
            alpha.doubleValue(),
            dropout,
            modules,
            rslora != null && rslora.booleanValue()),
        base == null || base.isNull() ? "" : base.asText());
  }

  /** Integral alphas as integers ({@code 16}, not {@code 16.0}), as PEFT configs usually have. */
  private static Number number(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15 ? (Number) (long) value : value;
  }

  /** Field access with messages naming the file. */
  private static final class Reader {
    private final JsonNode root;
    private final String location;

    Reader(JsonNode root, String location) {
      this.root = root;
      this.location = location;
    }

    JsonNode field(String name) {
      JsonNode value = root.get(name);
      if (value == null || value.isNull()) {
        throw new ModelLoadException("Cannot load " + location + ": it has no " + name);
      }
      return value;
    }

    void require(String name, String expected) {
      JsonNode value = field(name);
      if (!expected.equals(value.asText())) {
        throw unsupported(name, value, "only " + expected + " is supported");
      }
    }

    void requireIfPresent(String name, String expected) {
      JsonNode value = root.get(name);
      if (value != null && !value.isNull() && !expected.equals(value.asText())) {
        throw unsupported(name, value, "only " + expected + " is supported");
      }
    }

    void requireFalse(String name) {
      JsonNode value = root.get(name);
      if (value != null && !value.isNull() && !(value.isBoolean() && !value.booleanValue())) {
        throw unsupported(name, value, "only false is supported");
      }
    }

    void requireEmpty(String name) {
      JsonNode value = root.get(name);
      if (value != null && !value.isNull() && !(value.isContainerNode() && value.isEmpty())) {
        throw unsupported(name, value, "only an empty or null value is supported");
      }
    }

    ModelLoadException invalid(String name, JsonNode value, String rule) {
      return new ModelLoadException(
          String.format("Cannot use %s %s in %s: %s", name, value, location, rule));
    }

    ModelLoadException unsupported(String name, JsonNode value, String reason) {
      return new ModelLoadException(
          String.format(
              "Cannot load %s: %s %s is not supported (%s)", location, name, value, reason));
    }
  }
}
