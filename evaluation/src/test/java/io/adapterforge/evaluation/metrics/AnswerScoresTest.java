package io.adapterforge.evaluation.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AnswerScoresTest {
  @Test
  void normalizesLikeSquadForEnglish() {
    assertThat(AnswerNormalizer.normalize("  The  Bank's card, an  ANSWER!  A test. "))
        .isEqualTo("banks card answer test");
  }

  @Test
  void keepsRussianWordsAndStripsRussianPunctuation() {
    // «ёлка» and the conjunction «а» must survive; guillemets, em dash and ellipsis go.
    assertThat(AnswerNormalizer.normalize("«Ёлка» — а НЕ сосна…  Да!"))
        .isEqualTo("ёлка а не сосна да");
    assertThat(AnswerNormalizer.normalize("Ёж")).isNotEqualTo(AnswerNormalizer.normalize("Еж"));
  }

  @Test
  void composesDecomposedLettersBeforeComparing() {
    String decomposed = "и\u0306од"; // и + combining breve = й
    assertThat(AnswerScores.exactMatch(decomposed, "йод")).isTrue();
  }

  @Test
  void exactMatchIgnoresCaseArticlesAndPunctuationOnly() {
    assertThat(AnswerScores.exactMatch("The answer is 42.", "answer is 42")).isTrue();
    assertThat(AnswerScores.exactMatch("answer is 43", "answer is 42")).isFalse();
    assertThat(AnswerScores.exactMatch("Заблокируйте карту.", "заблокируйте карту")).isTrue();
  }

  @Test
  void tokenF1CountsOverlapAsMultiset() {
    // prediction: [card, card, blocked], reference: [card, blocked, today]
    // common = card×1 + blocked×1 = 2; P = 2/3, R = 2/3, F1 = 2/3.
    assertThat(AnswerScores.tokenF1("card card blocked", "the card blocked today"))
        .isCloseTo(2.0 / 3.0, within(1e-12));
    assertThat(AnswerScores.tokenF1("карта заблокирована", "Ваша карта заблокирована."))
        .isCloseTo(0.8, within(1e-12));
    assertThat(AnswerScores.tokenF1("nothing shared", "entirely different")).isZero();
  }

  @Test
  void tokenF1OfEmptyTextsFollowsSquadV2() {
    assertThat(AnswerScores.tokenF1("", "")).isEqualTo(1.0);
    assertThat(AnswerScores.tokenF1("the.", "!!")).isEqualTo(1.0);
    assertThat(AnswerScores.tokenF1("", "answer")).isZero();
    assertThat(AnswerScores.tokenF1("answer", "an")).isZero();
  }

  @Test
  void rejectsNullText() {
    assertThatThrownBy(() -> AnswerNormalizer.normalize(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("text is null");
  }
}
