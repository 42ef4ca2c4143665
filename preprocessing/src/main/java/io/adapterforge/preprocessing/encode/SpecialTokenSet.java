package io.adapterforge.preprocessing.encode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.HashSet;
import java.util.Set;

/**
 * The special tokens of a tokenizer ({@code added_tokens} with {@code "special": true} in
 * tokenizer.json): their ids, and their texts as a template writes them. DJL reports such tokens
 * with ordinary spans when they appear in the text, so the masker needs this list to recognize a
 * turn's closing token.
 *
 * @param ids token ids
 * @param contents token texts, e.g. {@code <end_of_turn>}
 */
public record SpecialTokenSet(Set<Long> ids, Set<String> contents) implements Serializable {
  public SpecialTokenSet {
    ids = Set.copyOf(ids);
    contents = Set.copyOf(contents);
  }

  /** Reads the special tokens from a tokenizer.json stream. */
  public static SpecialTokenSet read(InputStream tokenizerJson) throws IOException {
    JsonNode root = new ObjectMapper().readTree(tokenizerJson);
    Set<Long> ids = new HashSet<>();
    Set<String> contents = new HashSet<>();
    for (JsonNode token : root.path("added_tokens")) {
      if (token.path("special").asBoolean(false)) {
        ids.add(token.path("id").asLong());
        contents.add(token.path("content").asText());
      }
    }
    return new SpecialTokenSet(ids, contents);
  }
}
