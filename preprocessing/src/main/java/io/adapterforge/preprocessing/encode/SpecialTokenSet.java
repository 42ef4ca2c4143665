package io.adapterforge.preprocessing.encode;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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

  /**
   * Reads the special tokens from a tokenizer.json stream. Streams: only {@code added_tokens} is
   * materialized (a vocabulary can be tens of MB), and reading stops once it has been seen.
   */
  public static SpecialTokenSet read(InputStream tokenizerJson) throws IOException {
    Set<Long> ids = new HashSet<>();
    Set<String> contents = new HashSet<>();
    ObjectMapper mapper = new ObjectMapper();
    try (JsonParser parser = mapper.getFactory().createParser(tokenizerJson)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("tokenizer.json is not a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        parser.nextToken();
        if (!"added_tokens".equals(field)) {
          parser.skipChildren();
          continue;
        }
        JsonNode added = mapper.readTree(parser);
        for (JsonNode token : added) {
          if (token.path("special").asBoolean(false)) {
            ids.add(token.path("id").asLong());
            contents.add(token.path("content").asText());
          }
        }
        break;
      }
    }
    return new SpecialTokenSet(ids, contents);
  }
}
