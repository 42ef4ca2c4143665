package io.adapterforge.preprocessing.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each bound of {@link TemplateLimits} stops a runaway template with a clear error. */
class TemplateLimitsTest {
  private static final TemplateLimits SMALL = new TemplateLimits(1_000, 10_000, 20);

  private static TemplateException renderFailure(String source, TemplateLimits limits) {
    TemplateException e =
        catchThrowableOfType(
            () -> ChatTemplate.compile(source, limits).render(Map.of()), TemplateException.class);
    assertThat(e).as("expected a failure of %s", source).isNotNull();
    return e;
  }

  @Test
  void defaultsAreOneMebicharOfOutputAMillionIterationsAndDepthHundred() {
    assertThat(TemplateLimits.defaults()).isSameAs(TemplateLimits.DEFAULT);
    assertThat(TemplateLimits.DEFAULT.maxOutputChars()).isEqualTo(1 << 20);
    assertThat(TemplateLimits.DEFAULT.maxLoopIterations()).isEqualTo(1_000_000);
    assertThat(TemplateLimits.DEFAULT.maxRecursionDepth()).isEqualTo(100);
  }

  @Test
  void withersChangeOneBound() {
    TemplateLimits limits =
        TemplateLimits.DEFAULT
            .withMaxOutputChars(5)
            .withMaxLoopIterations(6)
            .withMaxRecursionDepth(7);
    assertThat(limits).isEqualTo(new TemplateLimits(5, 6, 7));
  }

  @Test
  void rejectsNonPositiveBounds() {
    assertThatThrownBy(() -> new TemplateLimits(0, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot use maxOutputChars 0: must be positive");
    assertThatThrownBy(() -> new TemplateLimits(1, -1, 1))
        .hasMessage("Cannot use maxLoopIterations -1: must be positive");
    assertThatThrownBy(() -> new TemplateLimits(1, 1, 0))
        .hasMessage("Cannot use maxRecursionDepth 0: must be positive");
  }

  @Test
  void outputUpToTheLimitRenders() {
    String source = "{% for i in range(100) %}0123456789{% endfor %}";
    assertThat(ChatTemplate.compile(source, SMALL).render(Map.of())).hasSize(1_000);
  }

  @Test
  void outputBeyondTheLimitFails() {
    TemplateException e = renderFailure("{% for i in range(101) %}0123456789{% endfor %}", SMALL);
    assertThat(e.kind()).isEqualTo(TemplateException.Kind.LIMIT);
    assertThat(e.detail())
        .isEqualTo("the output would exceed 1000 characters (TemplateLimits.maxOutputChars)");
    assertThat(e.line()).isEqualTo(1);
  }

  @Test
  void doublingAStringStopsAtTheLimitNotAtMemoryExhaustion() {
    TemplateException e =
        renderFailure(
            "{% set ns = namespace(s='x') %}\n{% for i in range(64) %}\n"
                + "{% set ns.s = ns.s ~ ns.s %}\n{% endfor %}",
            TemplateLimits.DEFAULT);
    assertThat(e.kind()).isEqualTo(TemplateException.Kind.LIMIT);
    assertThat(e.detail()).contains("TemplateLimits.maxOutputChars");
    assertThat(e.line()).isEqualTo(3);
  }

  @Test
  void repeatingAStringOrListBeyondTheLimitFailsBeforeAllocating() {
    assertThat(renderFailure("{{ 'x' * 10 ** 15 }}", SMALL).detail())
        .isEqualTo(
            "a value of 1000000000000000 characters exceeds 1000 (TemplateLimits.maxOutputChars)");
    assertThat(renderFailure("{{ [1, 2] * 10 ** 15 }}", SMALL).kind())
        .isEqualTo(TemplateException.Kind.LIMIT);
    assertThat(renderFailure("{{ 'ab'.center(10 ** 9) }}", SMALL).kind())
        .isEqualTo(TemplateException.Kind.LIMIT);
  }

  @Test
  void printingAHugeListIsBounded() {
    TemplateException e =
        renderFailure("{% set s = 'y' * 900 %}{{ [s, s, s, s, s, s, s, s, s, s] }}", SMALL);
    assertThat(e.kind()).isEqualTo(TemplateException.Kind.LIMIT);
  }

  @Test
  void loopIterationsAreCountedAcrossTheWholeRender() {
    String nested = "{% for i in range(200) %}{% for j in range(200) %}{% endfor %}{% endfor %}";
    TemplateException e = renderFailure(nested, SMALL);
    assertThat(e.kind()).isEqualTo(TemplateException.Kind.LIMIT);
    assertThat(e.detail())
        .isEqualTo("more than 10000 loop iterations (TemplateLimits.maxLoopIterations)");

    String sequential =
        "{% for i in range(6000) %}{% endfor %}\n{% for i in range(6000) %}{% endfor %}";
    TemplateException second = renderFailure(sequential, SMALL);
    assertThat(second.kind()).isEqualTo(TemplateException.Kind.LIMIT);
    assertThat(second.line()).isEqualTo(2);
    assertThat(
            ChatTemplate.compile("{% for i in range(6000) %}{% endfor %}done", SMALL)
                .render(Map.of()))
        .isEqualTo("done");
  }

  @Test
  void recursionDeeperThanTheLimitFails() {
    String source =
        "{% macro down(n) %}{% if n > 0 %}{{ down(n - 1) }}{% else %}bottom{% endif %}"
            + "{% endmacro %}{{ down(depth) }}";
    ChatTemplate template = ChatTemplate.compile(source, SMALL);
    assertThat(template.render(Map.of("depth", 19))).isEqualTo("bottom");

    TemplateException e =
        catchThrowableOfType(() -> template.render(Map.of("depth", 20)), TemplateException.class);
    assertThat(e.kind()).isEqualTo(TemplateException.Kind.LIMIT);
    assertThat(e.detail())
        .isEqualTo("calls nested deeper than 20 (TemplateLimits.maxRecursionDepth)");
  }

  @Test
  void infiniteRecursionFailsWithTheDefaultLimits() {
    TemplateException e =
        renderFailure(
            "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", TemplateLimits.DEFAULT);
    assertThat(e.kind()).isEqualTo(TemplateException.Kind.LIMIT);
    assertThat(e.detail()).contains("TemplateLimits.maxRecursionDepth");
  }

  @Test
  void recursiveLoopsCountTowardsTheDepth() {
    String source =
        "{% for x in [items] recursive %}{{ loop(x) if x is iterable and x is not string }}"
            + "{% endfor %}";
    Object nested = "leaf";
    for (int i = 0; i < 30; i++) {
      nested = java.util.List.of(nested);
    }
    Object items = nested;
    TemplateException e =
        catchThrowableOfType(
            () -> ChatTemplate.compile(source, SMALL).render(Map.of("items", items)),
            TemplateException.class);
    assertThat(e.kind()).isEqualTo(TemplateException.Kind.LIMIT);
  }

  @Test
  void deeplyNestedSourceFailsToCompileWithoutOverflowingTheStack() {
    String source = "{{ " + "(".repeat(5_000) + "1" + ")".repeat(5_000) + " }}";
    assertThatThrownBy(() -> ChatTemplate.compile(source))
        .isInstanceOfSatisfying(
            TemplateException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(TemplateException.Kind.SYNTAX);
              assertThat(e.detail()).isEqualTo("the template nests deeper than 200 levels");
            });
  }
}
