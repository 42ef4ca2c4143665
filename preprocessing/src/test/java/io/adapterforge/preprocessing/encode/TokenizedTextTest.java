package io.adapterforge.preprocessing.encode;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adapterforge.testing.RealTokenizers;
import io.adapterforge.tokenizer.KnownTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The ids and spans the masker reads are those of DJL's full encoding, on every real tokenizer. */
class TokenizedTextTest {
  private static final String GOLDEN = "/io/adapterforge/preprocessing/golden/";

  @ParameterizedTest
  @EnumSource(KnownTokenizer.class)
  void givesTheIdsAndCodePointSpansOfDjlsEncoding(KnownTokenizer known) throws IOException {
    List<String> texts = new ArrayList<>();
    // Rendered conversations (special tokens, Russian, CJK, emoji with modifiers, tool calls).
    try (InputStream in =
        TokenizedTextTest.class.getResourceAsStream(GOLDEN + "tokens-gemma3.json")) {
      for (JsonNode c : new ObjectMapper().readTree(in).get("cases")) {
        texts.add(c.get("text_python").asText());
      }
    }
    texts.add(" leading space, flags 🇺🇦🇯🇵, family 👨‍👩‍👧‍👦, tabs\t\tand\r\nCRLF ");
    texts.add("");
    try (HuggingFaceTokenizer tokenizer = TokenizerCache.load(RealTokenizers.directory(known))) {
      for (String text : texts) {
        Encoding full = tokenizer.encode(text, false, false);

        TokenizedText lean = TokenizedText.of(tokenizer, text);

        assertThat(lean.ids()).as(text).isEqualTo(full.getIds());
        assertThat(bounds(lean.spans())).as(text).isEqualTo(bounds(full.getCharTokenSpans()));
      }
      assertThat(texts.size()).isGreaterThan(5);
    }
  }

  private static List<String> bounds(CharSpan[] spans) {
    List<String> out = new ArrayList<>();
    for (CharSpan span : spans) {
      out.add(span == null ? "null" : span.getStart() + "-" + span.getEnd());
    }
    return out;
  }
}
