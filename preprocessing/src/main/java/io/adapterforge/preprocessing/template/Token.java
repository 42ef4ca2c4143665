package io.adapterforge.preprocessing.template;

/**
 * A token of jinja2's lexer. {@code type} uses jinja2's names ({@code name}, {@code string}, {@code
 * integer}, {@code block_begin}, {@code lparen}, …) so that parser messages match jinja2's.
 */
record Token(String type, Object value, int line) {
  /** jinja2's {@code Token.test}: {@code "type"} or {@code "type:value"}. */
  boolean test(String expression) {
    if (type.equals(expression)) {
      return true;
    }
    int colon = expression.indexOf(':');
    return colon > 0
        && type.equals(expression.substring(0, colon))
        && expression.substring(colon + 1).equals(value);
  }

  boolean testAny(String... expressions) {
    for (String expression : expressions) {
      if (test(expression)) {
        return true;
      }
    }
    return false;
  }

  /** jinja2's {@code describe_token}. */
  String describe() {
    if (type.equals("name")) {
      return (String) value;
    }
    return describeType(type);
  }

  /** jinja2's {@code describe_token_expr}. */
  static String describeExpression(String expression) {
    int colon = expression.indexOf(':');
    if (colon > 0) {
      String type = expression.substring(0, colon);
      if (type.equals("name")) {
        return expression.substring(colon + 1);
      }
      return describeType(type);
    }
    return describeType(expression);
  }

  static String describeType(String type) {
    String operator = Lexer.operatorText(type);
    if (operator != null) {
      return operator;
    }
    switch (type) {
      case "comment_begin":
        return "begin of comment";
      case "comment_end":
        return "end of comment";
      case "comment":
        return "comment";
      case "block_begin":
        return "begin of statement block";
      case "block_end":
        return "end of statement block";
      case "variable_begin":
        return "begin of print statement";
      case "variable_end":
        return "end of print statement";
      case "data":
        return "template data / text";
      case "eof":
        return "end of template";
      default:
        return type;
    }
  }
}
