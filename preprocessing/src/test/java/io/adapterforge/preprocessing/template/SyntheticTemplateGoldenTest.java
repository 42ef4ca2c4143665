package io.adapterforge.preprocessing.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One small template per construct (whitespace control, literals, operators, tests, loops, macros,
 * filters, str methods, errors, sandbox refusals, syntax errors), rendered here and by Python
 * jinja2 (goldens/synthetic.json): output and errors must match exactly. Randomized families
 * (binary operators over operands of every type, random whitespace-control templates) run as one
 * test each.
 */
class SyntheticTemplateGoldenTest {
  private static final JsonNode GOLDENS = Goldens.read("synthetic.json");
  private static final Clock CLOCK = Goldens.clock(GOLDENS);

  private static Stream<JsonNode> goldens() {
    return StreamSupport.stream(GOLDENS.get("cases").spliterator(), false);
  }

  static Stream<Arguments> cases() {
    return goldens()
        .filter(c -> !c.get("name").asText().startsWith("random_"))
        .map(c -> Arguments.of(c.get("name").asText(), c));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rendersLikeJinja2(String name, JsonNode golden) {
    check(golden);
  }

  @Test
  void binaryAndUnaryOperatorsOverEveryOperandTypeMatchPython() {
    assertThat(failures("random_expr/")).isEmpty();
  }

  @Test
  void randomWhitespaceControlMatchesJinja2() {
    assertThat(failures("random_ws/")).isEmpty();
  }

  @Test
  void randomNestsOfScopesFollowJinja2ScopingRules() {
    assertThat(failures("random_scope/")).isEmpty();
  }

  /** The names and failures of the cases whose name starts with {@code prefix}. */
  private static List<String> failures(String prefix) {
    List<String> failures = new ArrayList<>();
    goldens()
        .filter(c -> c.get("name").asText().startsWith(prefix))
        .forEach(
            golden -> {
              try {
                check(golden);
              } catch (AssertionError e) {
                failures.add(golden.get("name").asText() + " " + golden.get("source") + ": " + e);
              }
            });
    assertThat(goldens().filter(c -> c.get("name").asText().startsWith(prefix))).isNotEmpty();
    return failures;
  }

  private static void check(JsonNode golden) {
    Map<String, Object> variables = new LinkedHashMap<>();
    JsonNode given = golden.path("variables");
    for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> variable = it.next();
      variables.put(variable.getKey(), variable.getValue());
    }
    Goldens.assertOutcome(
        golden, () -> ChatTemplate.compile(golden.get("source").asText()).render(variables, CLOCK));
  }
}
