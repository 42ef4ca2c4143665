package io.adapterforge.preprocessing;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.adapterforge.testing.RealTokenizers;
import io.adapterforge.tokenizer.KnownTokenizer;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The real pinned tokenizers load offline in DJL, untruncated and unpadded. */
class RealTokenizersTest {
  private static final String TEXT =
      "Привет, мир! Hello, world 👋🏽 — 你好，世界. <tool_call name=\"get_weather\" arguments=\"{}\"/>";

  @ParameterizedTest
  @EnumSource(KnownTokenizer.class)
  void encodesLongMultilingualTextWithoutTruncationAndDecodesItBack(KnownTokenizer tokenizer)
      throws IOException {
    try (HuggingFaceTokenizer hf =
        HuggingFaceTokenizer.builder()
            .optTokenizerPath(RealTokenizers.directory(tokenizer))
            .optTruncation(false)
            .optPadding(false)
            .optAddSpecialTokens(false)
            .build()) {
      String longText = (TEXT + "\n").repeat(40);

      Encoding encoding = hf.encode(longText, false, false);

      // DJL's default would cut at 512 tokens; the whole text must survive.
      assertThat(encoding.getIds().length).isGreaterThan(1000);
      assertThat(encoding.getAttentionMask()).containsOnly(1L);
      String decoded = hf.decode(encoding.getIds(), false);
      if (tokenizer == KnownTokenizer.LLAMA2) {
        // SentencePiece's Metaspace adds a leading space on encode and strips it on decode.
        assertThat(decoded.strip()).isEqualTo(longText.strip());
      } else {
        assertThat(decoded).isEqualTo(longText);
      }
    }
  }
}
