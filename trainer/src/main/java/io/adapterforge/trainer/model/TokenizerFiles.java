package io.adapterforge.trainer.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adapterforge.trainer.ModelLoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * What a model config needs from a Hugging Face tokenizer folder ({@code tokenizer.json} and {@code
 * tokenizer_config.json}): the vocabulary size (the largest token id plus one, over the model's
 * vocabulary and the added tokens) and the ids of the BOS, EOS and padding tokens named in {@code
 * tokenizer_config.json}. Immutable.
 */
public final class TokenizerFiles {
  /** The files a tokenizer folder must have. */
  public static final List<String> REQUIRED = List.of("tokenizer.json", "tokenizer_config.json");

  /** Files copied beside them when present. */
  public static final List<String> OPTIONAL =
      List.of("special_tokens_map.json", "tokenizer.model", "added_tokens.json");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path directory;
  private final int vocabSize;
  private final Map<String, Integer> specialTokenIds;

  private TokenizerFiles(Path directory, int vocabSize, Map<String, Integer> specialTokenIds) {
    this.directory = directory;
    this.vocabSize = vocabSize;
    this.specialTokenIds = Map.copyOf(specialTokenIds);
  }

  /**
   * Reads a tokenizer folder.
   *
   * @throws ModelLoadException naming the file when one is missing or malformed
   */
  public static TokenizerFiles read(Path directory) {
    requireNonNull(directory, "directory is null");
    for (String name : REQUIRED) {
      if (!Files.isRegularFile(directory.resolve(name))) {
        throw new ModelLoadException(
            "Cannot use " + directory + " as a tokenizer folder: it has no " + name);
      }
    }
    JsonNode tokenizer = readVocabulary(directory.resolve("tokenizer.json"));
    JsonNode config = readJson(directory.resolve("tokenizer_config.json"));
    Map<String, Integer> ids = new HashMap<>();
    int maxId = -1;
    JsonNode vocab = tokenizer.path("model").path("vocab");
    if (vocab.isObject()) {
      for (Map.Entry<String, JsonNode> entry : vocab.properties()) {
        int id = entry.getValue().asInt(-1);
        ids.put(entry.getKey(), id);
        maxId = Math.max(maxId, id);
      }
    } else if (vocab.isArray()) {
      // Unigram: [[piece, score], …], ids in order.
      int id = 0;
      for (JsonNode piece : vocab) {
        ids.put(piece.path(0).asText(), id++);
      }
      maxId = id - 1;
    } else {
      throw new ModelLoadException(
          "Cannot read " + directory.resolve("tokenizer.json") + ": model.vocab is missing");
    }
    for (JsonNode added : tokenizer.path("added_tokens")) {
      int id = added.path("id").asInt(-1);
      ids.put(added.path("content").asText(), id);
      maxId = Math.max(maxId, id);
    }
    if (maxId < 0) {
      throw new ModelLoadException(
          "Cannot read " + directory.resolve("tokenizer.json") + ": its vocabulary is empty");
    }
    Map<String, Integer> special = new LinkedHashMap<>();
    for (String role : List.of("bos", "eos", "pad")) {
      JsonNode token = config.get(role + "_token");
      String content =
          token == null || token.isNull()
              ? null
              : token.isObject() ? token.path("content").asText(null) : token.asText();
      if (content != null && ids.containsKey(content) && ids.get(content) >= 0) {
        special.put(role, ids.get(content));
      }
    }
    return new TokenizerFiles(directory, maxId + 1, special);
  }

  /** The folder. */
  public Path directory() {
    return directory;
  }

  /** The largest token id plus one: the smallest {@code vocab_size} that fits every token. */
  public int vocabSize() {
    return vocabSize;
  }

  /** The id of the BOS token, if {@code tokenizer_config.json} names one in the vocabulary. */
  public OptionalInt bosTokenId() {
    return id("bos");
  }

  /** The id of the EOS token, if named. */
  public OptionalInt eosTokenId() {
    return id("eos");
  }

  /** The id of the padding token, if named. */
  public OptionalInt padTokenId() {
    return id("pad");
  }

  /** {@code bos_token_id}, {@code eos_token_id}, {@code pad_token_id} for {@code config.json}. */
  public Map<String, Object> configFields() {
    Map<String, Object> fields = new LinkedHashMap<>();
    bosTokenId().ifPresent(id -> fields.put("bos_token_id", id));
    eosTokenId().ifPresent(id -> fields.put("eos_token_id", id));
    padTokenId().ifPresent(id -> fields.put("pad_token_id", id));
    return fields;
  }

  private OptionalInt id(String role) {
    Integer id = specialTokenIds.get(role);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }

  /**
   * {@code added_tokens} and {@code model.vocab} of a {@code tokenizer.json}, skipping the rest
   * (the merges of a large BPE vocabulary take most of the file and most of the parsing time).
   */
  private static JsonNode readVocabulary(Path file) {
    ObjectNode result = JSON.createObjectNode();
    try (JsonParser parser = JSON.getFactory().createParser(file.toFile())) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new ModelLoadException("Cannot read " + file + ": not a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (field.equals("added_tokens")) {
          result.set(field, JSON.readTree(parser));
        } else if (field.equals("model") && value == JsonToken.START_OBJECT) {
          ObjectNode model = result.putObject("model");
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String modelField = parser.currentName();
            parser.nextToken();
            if (modelField.equals("vocab")) {
              model.set(modelField, JSON.readTree(parser));
            } else {
              parser.skipChildren();
            }
          }
        } else {
          parser.skipChildren();
        }
      }
      return result;
    } catch (IOException e) {
      throw new ModelLoadException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static JsonNode readJson(Path file) {
    try {
      JsonNode node = JSON.readTree(file.toFile());
      if (node == null || !node.isObject()) {
        throw new ModelLoadException("Cannot read " + file + ": not a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw new ModelLoadException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
