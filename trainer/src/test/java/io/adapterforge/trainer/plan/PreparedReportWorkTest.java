package io.adapterforge.trainer.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PreparedReportWorkTest {
  @Test
  void readsTrainLossTokensInReportOrder() {
    String report =
        "{\"adapters\":{"
            + "\"zeta\":{\"splits\":{\"train\":{\"rows\":3,\"tokens\":90,\"loss_tokens\":40},"
            + "\"validation\":{\"loss_tokens\":7}}},"
            + "\"alpha\":{\"splits\":{\"train\":{\"rows\":1,\"tokens\":10,\"loss_tokens\":0}}}}}";

    assertThat(PreparedReportWork.trainLossTokens(report, "r.json"))
        .containsExactly(java.util.Map.entry("zeta", 40L), java.util.Map.entry("alpha", 0L));
  }

  @Test
  void namesTheMissingField() {
    assertThatThrownBy(
            () ->
                PreparedReportWork.trainLossTokens(
                    "{\"adapters\":{\"a\":{\"splits\":{}}}}", "/p/report.json"))
        .hasMessage(
            "Cannot read /p/report.json: adapters.a.splits.train.loss_tokens is missing, expected"
                + " a count");
    assertThatThrownBy(() -> PreparedReportWork.trainLossTokens("{}", "/p/report.json"))
        .hasMessageContaining("it has no 'adapters' object");
    assertThatThrownBy(() -> PreparedReportWork.trainLossTokens("{", "/p/report.json"))
        .hasMessageStartingWith("Cannot read /p/report.json: it is not JSON");
  }
}
