package io.adapterforge.preprocessing.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A chat template is untrusted code: it must never reach a Java object's methods, reflection or the
 * caller's data beyond reading it. The goldens prove the same refusals match jinja2's sandbox;
 * these tests state them.
 */
class SandboxTest {
  private static final List<Map<String, Object>> MESSAGES =
      List.of(Map.of("role", "user", "content", "hi"));

  private static String render(String source) {
    return ChatTemplate.compile(source).render(Map.of("messages", MESSAGES));
  }

  private static TemplateException failure(String source) {
    TemplateException e = catchThrowableOfType(() -> render(source), TemplateException.class);
    assertThat(e).as("expected %s to fail", source).isNotNull();
    return e;
  }

  @Test
  void dunderAttributesPrintAsEmptyAndFailWhenUsed() {
    assertThat(render("[{{ ''.__class__ }}][{{ messages.__class__ }}]")).isEqualTo("[][]");
    TemplateException e = failure("{{ ''.__class__.__mro__ }}");
    assertThat(e.kind()).isEqualTo(TemplateException.Kind.RENDER);
    assertThat(e.errorType()).isEqualTo("SecurityError");
    assertThat(e.detail()).isEqualTo("access to attribute '__class__' of 'str' object is unsafe.");
  }

  @Test
  void globalsOfBuiltinsAreUnreachable() {
    TemplateException e = failure("{{ cycler.__init__.__globals__ }}");
    assertThat(e.errorType()).isEqualTo("SecurityError");
    assertThat(e.detail()).isEqualTo("access to attribute '__init__' of 'type' object is unsafe.");
    assertThat(failure("{{ raise_exception.__globals__['os'] }}").errorType())
        .isEqualTo("SecurityError");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "messages.getClass",
        "messages.toString",
        "messages.hashCode",
        "messages.size",
        "messages.iterator",
        "messages[0].entrySet",
        "messages[0].getOrDefault",
        "''.getBytes",
        "''.length",
        "''.intern",
        "range.getClass",
        "namespace().getClass",
        "joiner().getClass",
        "cycler(1).getClass"
      })
  void javaMethodsAreUndefined(String expression) {
    assertThat(render("{{ " + expression + " is defined }}")).isEqualTo("False");
    TemplateException e = failure("{{ " + expression + "() }}");
    assertThat(e.errorType()).isEqualTo("UndefinedError");
  }

  @Test
  void callingAJavaMethodNameFailsAsJinja2Does() {
    TemplateException e = failure("{{ messages.getClass() }}");
    assertThat(e.detail()).isEqualTo("'list object' has no attribute 'getClass'");
  }

  @Test
  void mutatingMethodsAreRefusedAndTheCallersDataIsUntouched() {
    List<Map<String, Object>> messages = new ArrayList<>(MESSAGES);
    ChatTemplate template = ChatTemplate.compile("{{ messages.append(1) }}");
    TemplateException e =
        catchThrowableOfType(
            () -> template.render(Map.of("messages", messages)), TemplateException.class);
    assertThat(e.errorType()).isEqualTo("SecurityError");
    assertThat(e.detail()).isEqualTo("access to attribute 'append' of 'list' object is unsafe.");
    assertThat(messages).isEqualTo(MESSAGES);
    for (String call : List.of("messages.pop()", "messages.clear()", "messages[0].update({})")) {
      assertThat(failure("{{ " + call + " }}").errorType()).isEqualTo("SecurityError");
    }
  }

  @Test
  void onlyPlainDataCanBePassedIn() {
    ChatTemplate template = ChatTemplate.compile("{{ x }}");
    assertThatThrownBy(() -> template.render(Map.of("x", new File("/"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot pass a java.io.File to a chat template: only strings, numbers, booleans,"
                + " null, lists, maps and JSON trees");
    assertThatThrownBy(() -> template.render(Map.of("x", Map.of(1, "a"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keys must be strings");
    assertThatThrownBy(() -> template.render(Map.of("x", List.of(new Object()))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rangesAreCappedLikeJinja2Sandbox() {
    TemplateException e = failure("{% for i in range(100001) %}{% endfor %}");
    assertThat(e.errorType()).isEqualTo("OverflowError");
    assertThat(e.detail())
        .isEqualTo("Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
  }

  @Test
  void formatCannotReachAttributesThroughFieldNames() {
    assertThat(render("[{{ '{0.__class__}'.format('x') }}]")).isEqualTo("[]");
  }
}
