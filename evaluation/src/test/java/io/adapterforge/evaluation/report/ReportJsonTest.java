package io.adapterforge.evaluation.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ReportJsonTest {
  @Test
  void writesStrictJsonWithSnakeCaseDerivedValuesAndNullForUndefined() throws Exception {
    ObjectMapper strict = new ObjectMapper().disable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);
    JsonNode root = strict.readTree(ReportJson.toJson(ReportFixtures.fiveAdapters()));

    assertThat(root.get("run_id").asText()).isEqualTo("2025-06-01T02-00-00Z");
    assertThat(root.get("adapters")).hasSize(5);
    JsonNode bank = root.get("adapters").get(0);
    assertThat(bank.get("adapter_id").asText()).isEqualTo("bank-ru");
    assertThat(bank.get("relative_gain").asDouble()).isCloseTo((2.4 - 1.7) / 2.4, within(1e-12));
    assertThat(bank.get("adapter_perplexity").asDouble()).isCloseTo(Math.exp(1.7), within(1e-9));
    assertThat(bank.get("task_metrics").get("tool_call_f1").asDouble())
        .isCloseTo(0.85, within(1e-12));
    assertThat(bank.get("gate").get("published").asBoolean()).isTrue();

    JsonNode legal = root.get("adapters").get(3);
    assertThat(legal.get("task_metrics").get("tool_call_precision").isNull()).isTrue();
    assertThat(legal.get("gate").get("broken_rules").get(0).asText()).isEqualTo("publish.min-gain");
    assertThat(legal.get("gate").get("reason").asText()).isEqualTo(ReportFixtures.HOSTILE_REASON);

    assertThat(root.get("matrix").get("mixture_nll").get(4).isNull()).isTrue();
    assertThat(root.get("loss_curves").get(0).get("validation").get(1).get("step").asLong())
        .isEqualTo(50);
    assertThat(root.get("router").get("confusion")).hasSize(9);
    assertThat(root.get("router").get("accuracy").asDouble()).isEqualTo(0.95);

    JsonNode toolCalls = root.get("tool_calls");
    assertThat(toolCalls.get("adapters").get(3).asText()).isEqualTo("legal");
    assertThat(toolCalls.get("test_splits")).hasSize(5);
    JsonNode f1 = toolCalls.get("f1");
    assertThat(f1).hasSize(5);
    assertThat(f1.get(0).get(0).asDouble()).isCloseTo(0.85, within(1e-12));
    assertThat(f1.get(3).get(0).isNumber()).isTrue();
    assertThat(f1.get(3).get(0).asDouble()).isZero();
    assertThat(f1.get(3).get(3).isNull()).as("NaN: legal on its own split").isTrue();
    assertThat(f1.get(2).get(3).isNull()).as("NaN: support on legal").isTrue();
  }
}
