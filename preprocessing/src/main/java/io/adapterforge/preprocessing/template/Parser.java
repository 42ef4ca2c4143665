package io.adapterforge.preprocessing.template;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * jinja2's parser (3.1.2), ported rule by rule so that precedence, tuple handling and error
 * messages match: {@code ~} binds tighter than {@code +}, filters and tests bind to the unary
 * expression before them, {@code a if b} without {@code else} is allowed, and so on. Also checks
 * what jinja2's compiler checks: unknown filters and tests, and {@code break}/{@code continue}
 * outside a loop.
 */
final class Parser {
  private static final Set<String> COMPARE_OPERATORS =
      Set.of("eq", "ne", "lt", "lteq", "gt", "gteq");

  /** Deeper nesting than this is refused instead of overflowing the Java stack. */
  private static final int MAX_NESTING = 200;

  private final List<Token> tokens;
  private int index;
  private final Deque<String> tagStack = new ArrayDeque<>();
  private final Deque<String[]> endTokenStack = new ArrayDeque<>();

  /** Names loaded inside each macro body being parsed, to find caller/varargs/kwargs uses. */
  private final Deque<Set<String>> macroNames = new ArrayDeque<>();

  /**
   * Inside an {@code if} or inline if, jinja2 defers unknown filters and tests to run time (the
   * branch may check {@code 'name' is filter} first).
   */
  private boolean soft;

  private int loopDepth;
  private int nesting;
  private TemplateException deferredAssertion;

  private Parser(List<Token> tokens) {
    this.tokens = tokens;
  }

  static List<Stmt> parse(String source) {
    Parser parser = new Parser(Lexer.tokenize(source));
    List<Stmt> body = parser.subparse(null);
    if (parser.deferredAssertion != null) {
      throw parser.deferredAssertion;
    }
    return body;
  }

  // ---------------------------------------------------------------- token stream

  private Token current() {
    return tokens.get(index);
  }

  private Token look() {
    return tokens.get(Math.min(index + 1, tokens.size() - 1));
  }

  private Token next() {
    Token token = tokens.get(index);
    if (index < tokens.size() - 1) {
      index++;
    }
    return token;
  }

  private boolean skipIf(String expression) {
    if (current().test(expression)) {
      next();
      return true;
    }
    return false;
  }

  private Token expect(String expression) {
    Token token = current();
    if (!token.test(expression)) {
      String described = Token.describeExpression(expression);
      if (token.type().equals("eof")) {
        throw fail("unexpected end of template, expected '" + described + "'.", token.line());
      }
      throw fail(
          "expected token '" + described + "', got '" + token.describe() + "'", token.line());
    }
    return next();
  }

  private static TemplateException fail(String message, int line) {
    return TemplateException.syntax(message, line);
  }

  private TemplateException fail(String message) {
    return fail(message, current().line());
  }

  private void assertion(String message, int line) {
    if (deferredAssertion == null) {
      deferredAssertion =
          new TemplateException(
              TemplateException.Kind.SYNTAX, "TemplateAssertionError", message, line);
    }
  }

  private void enterNesting() {
    if (++nesting > MAX_NESTING) {
      throw fail("the template nests deeper than " + MAX_NESTING + " levels");
    }
  }

  // ---------------------------------------------------------------- statements

  private List<Stmt> subparse(String[] endTokens) {
    List<Stmt> body = new ArrayList<>();
    if (endTokens != null) {
      endTokenStack.push(endTokens);
    }
    try {
      while (!current().type().equals("eof")) {
        Token token = current();
        switch (token.type()) {
          case "data":
            body.add(new Stmt.Text((String) token.value(), token.line()));
            next();
            break;
          case "variable_begin":
            next();
            Expr expr = parseTuple(false, true, null, false);
            body.add(new Stmt.Print(List.of(expr), token.line()));
            expect("variable_end");
            break;
          case "block_begin":
            next();
            if (endTokens != null && current().testAny(endTokens)) {
              return body;
            }
            body.add(parseStatement());
            expect("block_end");
            break;
          default:
            throw new IllegalStateException("internal parsing error");
        }
      }
    } finally {
      if (endTokens != null) {
        endTokenStack.pop();
      }
    }
    return body;
  }

  private Stmt parseStatement() {
    Token token = current();
    if (!token.type().equals("name")) {
      throw fail("tag name expected", token.line());
    }
    String name = (String) token.value();
    tagStack.push(name);
    boolean pushed = true;
    enterNesting();
    try {
      switch (name) {
        case "for":
          return parseFor();
        case "if":
          return parseIf();
        case "set":
          return parseSet();
        case "with":
          return parseWith();
        case "macro":
          return parseMacro();
        case "call":
          return parseCallBlock();
        case "filter":
          return parseFilterBlock();
        case "print":
          return parsePrint();
        case "break":
        case "continue":
          {
            int line = next().line();
            if (loopDepth == 0) {
              throw fail("'" + name + "' outside loop", line);
            }
            return new Stmt.LoopControl(
                name.equals("break") ? Stmt.Flow.BREAK : Stmt.Flow.CONTINUE, line);
          }
        case "generation":
          {
            int line = next().line();
            List<Stmt> body = innerBody(new String[] {"name:endgeneration"});
            return new Stmt.Generation(body, line);
          }
        case "block":
        case "extends":
        case "include":
        case "import":
        case "from":
        case "autoescape":
          throw fail(
              "the '" + name + "' tag is not supported in chat templates (no template loader)",
              token.line());
        default:
          // Like jinja2, the unknown tag is not on the stack the message describes.
          tagStack.pop();
          pushed = false;
          throw unknownTag(name, token.line());
      }
    } finally {
      if (pushed) {
        tagStack.pop();
      }
      nesting--;
    }
  }

  /** jinja2's {@code _fail_ut_eof}: the message for an unknown tag or a premature end. */
  private TemplateException unknownTag(String name, int line) {
    Set<String> expected = new HashSet<>();
    for (String[] exprs : endTokenStack) {
      for (String e : exprs) {
        expected.add(Token.describeExpression(e));
      }
    }
    String currentlyLooking = null;
    if (!endTokenStack.isEmpty()) {
      List<String> parts = new ArrayList<>();
      for (String e : endTokenStack.peek()) {
        parts.add(PyOps.repr(Token.describeExpression(e)));
      }
      currentlyLooking = String.join(" or ", parts);
    }
    List<String> message = new ArrayList<>();
    if (name == null) {
      message.add("Unexpected end of template.");
    } else {
      message.add("Encountered unknown tag " + PyOps.repr(name) + ".");
    }
    if (currentlyLooking != null) {
      if (name != null && expected.contains(name)) {
        message.add(
            "You probably made a nesting mistake. Jinja is expecting this tag, but currently"
                + " looking for "
                + currentlyLooking
                + ".");
      } else {
        message.add("Jinja was looking for the following tags: " + currentlyLooking + ".");
      }
    }
    if (!tagStack.isEmpty()) {
      message.add(
          "The innermost block that needs to be closed is " + PyOps.repr(tagStack.peek()) + ".");
    }
    return fail(String.join(" ", message), line);
  }

  /** jinja2's {@code parse_statements}: optional colon, block end, body up to an end tag. */
  private List<Stmt> parseStatements(String[] endTokens, boolean dropNeedle) {
    skipIf("colon");
    expect("block_end");
    List<Stmt> result = subparse(endTokens);
    if (current().type().equals("eof")) {
      endTokenStack.push(endTokens);
      try {
        throw unknownTag(null, current().line());
      } finally {
        endTokenStack.pop();
      }
    }
    if (dropNeedle) {
      next();
    }
    return result;
  }

  /** The body of a construct with a scope of its own, where jinja2 checks filters strictly. */
  private List<Stmt> innerBody(String[] endTokens) {
    boolean savedSoft = soft;
    soft = false;
    try {
      return parseStatements(endTokens, true);
    } finally {
      soft = savedSoft;
    }
  }

  private Stmt parseFor() {
    int line = expect("name:for").line();
    Expr target = parseAssignTarget(true, false, new String[] {"name:in"}, false);
    expect("name:in");
    Expr iterable = parseTuple(false, false, new String[] {"name:recursive"}, false);
    Expr filter = null;
    if (skipIf("name:if")) {
      filter = parseExpression(true);
    }
    boolean recursive = skipIf("name:recursive");
    boolean savedSoft = soft;
    soft = false;
    loopDepth++;
    List<Stmt> body;
    try {
      body = parseStatements(new String[] {"name:endfor", "name:else"}, false);
    } finally {
      loopDepth--;
    }
    List<Stmt> elseBody;
    try {
      if (next().value().equals("endfor")) {
        elseBody = List.of();
      } else {
        elseBody = parseStatements(new String[] {"name:endfor"}, true);
      }
    } finally {
      soft = savedSoft;
    }
    return new Stmt.For(target, iterable, body, elseBody, filter, recursive, line);
  }

  private Stmt parseIf() {
    int line = expect("name:if").line();
    List<Expr> tests = new ArrayList<>();
    List<Integer> testLines = new ArrayList<>();
    List<List<Stmt>> bodies = new ArrayList<>();
    List<Stmt> elseBody = List.of();
    boolean savedSoft = soft;
    soft = true;
    try {
      while (true) {
        testLines.add(tests.isEmpty() ? line : current().line());
        tests.add(parseTuple(false, false, null, false));
        bodies.add(parseStatements(new String[] {"name:elif", "name:else", "name:endif"}, false));
        Token token = next();
        if (token.test("name:elif")) {
          continue;
        }
        if (token.test("name:else")) {
          elseBody = parseStatements(new String[] {"name:endif"}, true);
        }
        break;
      }
    } finally {
      soft = savedSoft;
    }
    return new Stmt.If(tests, testLines, bodies, elseBody, line);
  }

  private Stmt parseSet() {
    int line = next().line();
    Expr target = parseAssignTarget(true, false, null, true);
    if (skipIf("assign")) {
      Expr value = parseTuple(false, true, null, false);
      return new Stmt.Assign(target, value, line);
    }
    Expr.FilterCall filter = (Expr.FilterCall) parseFilter(null, false);
    List<Stmt> body = innerBody(new String[] {"name:endset"});
    return new Stmt.AssignBlock(target, filter, body, line);
  }

  private Stmt parseWith() {
    int line = next().line();
    List<Expr> targets = new ArrayList<>();
    List<Expr> values = new ArrayList<>();
    while (!current().type().equals("block_end")) {
      if (!targets.isEmpty()) {
        expect("comma");
      }
      targets.add(parseAssignTarget(true, false, null, false));
      expect("assign");
      values.add(parseExpression(true));
    }
    List<Stmt> body = innerBody(new String[] {"name:endwith"});
    return new Stmt.With(targets, values, body, line);
  }

  private Stmt parseMacro() {
    int line = next().line();
    String name = ((Expr.Name) parseAssignTarget(false, true, null, false)).name;
    return new Stmt.MacroDef(parseMacroDefinition(name, new String[] {"name:endmacro"}), line);
  }

  private Macro.Definition parseMacroDefinition(String name, String[] endTokens) {
    List<String> parameters = new ArrayList<>();
    List<Expr> defaults = new ArrayList<>();
    parseSignature(parameters, defaults);
    return macroBody(name, parameters, defaults, endTokens);
  }

  private Macro.Definition macroBody(
      String name, List<String> parameters, List<Expr> defaults, String[] endTokens) {
    Set<String> names = new LinkedHashSet<>();
    macroNames.push(names);
    int savedLoopDepth = loopDepth;
    loopDepth = 0;
    List<Stmt> body;
    try {
      body = innerBody(endTokens);
    } finally {
      macroNames.pop();
      loopDepth = savedLoopDepth;
    }
    return new Macro.Definition(
        name,
        List.copyOf(parameters),
        List.copyOf(defaults),
        body,
        names.contains("kwargs") && !parameters.contains("kwargs"),
        names.contains("varargs") && !parameters.contains("varargs"),
        names.contains("caller") && !parameters.contains("caller"),
        new Frame());
  }

  private void parseSignature(List<String> parameters, List<Expr> defaults) {
    expect("lparen");
    while (!current().type().equals("rparen")) {
      if (!parameters.isEmpty()) {
        expect("comma");
      }
      Expr.Name arg = (Expr.Name) parseAssignTarget(false, true, null, false);
      if (skipIf("assign")) {
        defaults.add(parseExpression(true));
      } else if (!defaults.isEmpty()) {
        throw fail("non-default argument follows default argument");
      }
      parameters.add(arg.name);
    }
    expect("rparen");
  }

  private Stmt parseCallBlock() {
    int line = next().line();
    List<String> parameters = new ArrayList<>();
    List<Expr> defaults = new ArrayList<>();
    if (current().type().equals("lparen")) {
      parseSignature(parameters, defaults);
    }
    Expr call = parseExpression(true);
    if (!(call instanceof Expr.Call)) {
      throw fail("expected call", line);
    }
    Macro.Definition caller =
        macroBody("caller", parameters, defaults, new String[] {"name:endcall"});
    return new Stmt.CallBlock((Expr.Call) call, caller, line);
  }

  private Stmt parseFilterBlock() {
    int line = next().line();
    Expr.FilterCall filter = (Expr.FilterCall) parseFilter(null, true);
    List<Stmt> body = innerBody(new String[] {"name:endfilter"});
    return new Stmt.FilterBlock(filter, body, line);
  }

  private Stmt parsePrint() {
    int line = next().line();
    List<Expr> nodes = new ArrayList<>();
    while (!current().type().equals("block_end")) {
      if (!nodes.isEmpty()) {
        expect("comma");
      }
      nodes.add(parseExpression(true));
    }
    return new Stmt.Print(nodes, line);
  }

  private Expr parseAssignTarget(
      boolean withTuple, boolean nameOnly, String[] extraEndRules, boolean withNamespace) {
    Expr target;
    if (withNamespace && look().type().equals("dot")) {
      Token token = expect("name");
      next();
      Token attribute = expect("name");
      target =
          new Expr.NamespaceRef((String) token.value(), (String) attribute.value(), token.line());
    } else if (nameOnly) {
      Token token = expect("name");
      target = new Expr.Name((String) token.value(), token.line());
    } else if (withTuple) {
      target = parseTuple(true, true, extraEndRules, false);
    } else {
      target = parsePrimary();
    }
    if (!target.canAssign()) {
      throw fail("can't assign to " + PyOps.repr(target.nodeName()), target.line);
    }
    return target;
  }

  // ---------------------------------------------------------------- expressions

  private Expr parseExpression(boolean withCondexpr) {
    return withCondexpr ? parseCondexpr() : parseOr();
  }

  private Expr parseCondexpr() {
    int line = current().line();
    Expr expr1 = parseOr();
    while (skipIf("name:if")) {
      boolean savedSoft = soft;
      soft = true;
      try {
        Expr expr2 = parseOr();
        Expr expr3 = skipIf("name:else") ? parseCondexpr() : null;
        expr1 = new Expr.CondExpr(expr2, expr1, expr3, line);
      } finally {
        soft = savedSoft;
      }
      line = current().line();
    }
    return expr1;
  }

  private Expr parseOr() {
    int line = current().line();
    Expr left = parseAnd();
    while (skipIf("name:or")) {
      Expr right = parseAnd();
      left = new Expr.Or(left, right, line);
      line = current().line();
    }
    return left;
  }

  private Expr parseAnd() {
    int line = current().line();
    Expr left = parseNot();
    while (skipIf("name:and")) {
      Expr right = parseNot();
      left = new Expr.And(left, right, line);
      line = current().line();
    }
    return left;
  }

  private Expr parseNot() {
    if (current().test("name:not")) {
      int line = next().line();
      enterNesting();
      try {
        return new Expr.Not(parseNot(), line);
      } finally {
        nesting--;
      }
    }
    return parseCompare();
  }

  private Expr parseCompare() {
    int line = current().line();
    Expr expr = parseMath1();
    List<String> operators = new ArrayList<>();
    List<Expr> operands = new ArrayList<>();
    while (true) {
      String type = current().type();
      if (COMPARE_OPERATORS.contains(type)) {
        next();
        operators.add(type);
        operands.add(parseMath1());
      } else if (skipIf("name:in")) {
        operators.add("in");
        operands.add(parseMath1());
      } else if (current().test("name:not") && look().test("name:in")) {
        next();
        next();
        operators.add("notin");
        operands.add(parseMath1());
      } else {
        break;
      }
      line = current().line();
    }
    if (operators.isEmpty()) {
      return expr;
    }
    return new Expr.Compare(expr, operators, operands, line);
  }

  private Expr parseMath1() {
    int line = current().line();
    Expr left = parseConcat();
    while (current().type().equals("add") || current().type().equals("sub")) {
      String op = next().type().equals("add") ? "+" : "-";
      Expr right = parseConcat();
      left = new Expr.BinOp(op, left, right, line);
      line = current().line();
    }
    return left;
  }

  private Expr parseConcat() {
    int line = current().line();
    List<Expr> args = new ArrayList<>();
    args.add(parseMath2());
    while (current().type().equals("tilde")) {
      next();
      args.add(parseMath2());
    }
    if (args.size() == 1) {
      return args.get(0);
    }
    return new Expr.Concat(args, line);
  }

  private Expr parseMath2() {
    int line = current().line();
    Expr left = parsePow();
    while (true) {
      String op;
      switch (current().type()) {
        case "mul":
          op = "*";
          break;
        case "div":
          op = "/";
          break;
        case "floordiv":
          op = "//";
          break;
        case "mod":
          op = "%";
          break;
        default:
          return left;
      }
      next();
      Expr right = parsePow();
      left = new Expr.BinOp(op, left, right, line);
      line = current().line();
    }
  }

  private Expr parsePow() {
    int line = current().line();
    Expr left = parseUnary(true);
    while (current().type().equals("pow")) {
      next();
      Expr right = parseUnary(true);
      left = new Expr.BinOp("**", left, right, line);
      line = current().line();
    }
    return left;
  }

  private Expr parseUnary(boolean withFilter) {
    enterNesting();
    try {
      String type = current().type();
      int line = current().line();
      Expr node;
      if (type.equals("sub")) {
        next();
        node = new Expr.Negate(parseUnary(false), line);
      } else if (type.equals("add")) {
        next();
        node = new Expr.Plus(parseUnary(false), line);
      } else {
        node = parsePrimary();
      }
      node = parsePostfix(node);
      if (withFilter) {
        node = parseFilterExpr(node);
      }
      return node;
    } finally {
      nesting--;
    }
  }

  private Expr parsePrimary() {
    Token token = current();
    Expr node;
    switch (token.type()) {
      case "name":
        {
          String value = (String) token.value();
          if (value.equals("true") || value.equals("True")) {
            node = new Expr.Const(true, token.line());
          } else if (value.equals("false") || value.equals("False")) {
            node = new Expr.Const(false, token.line());
          } else if (value.equals("none") || value.equals("None")) {
            node = new Expr.Const(PyNone.NONE, token.line());
          } else {
            for (Set<String> names : macroNames) {
              names.add(value);
            }
            node = new Expr.Name(value, token.line());
          }
          next();
          return node;
        }
      case "string":
        {
          next();
          StringBuilder buffer = new StringBuilder((String) token.value());
          while (current().type().equals("string")) {
            buffer.append((String) next().value());
          }
          return new Expr.Const(buffer.toString(), token.line());
        }
      case "integer":
      case "float":
        next();
        return new Expr.Const(token.value(), token.line());
      case "lparen":
        {
          next();
          enterNesting();
          try {
            node = parseTuple(false, true, null, true);
          } finally {
            nesting--;
          }
          expect("rparen");
          return node;
        }
      case "lbracket":
        return parseList();
      case "lbrace":
        return parseDict();
      default:
        throw fail("unexpected " + PyOps.repr(token.describe()), token.line());
    }
  }

  /**
   * jinja2's {@code parse_tuple}: an expression, or a tuple when commas follow. {@code simplified}
   * parses only names and literals (assignment targets).
   */
  private Expr parseTuple(
      boolean simplified, boolean withCondexpr, String[] extraEndRules, boolean explicitParens) {
    int line = current().line();
    List<Expr> args = new ArrayList<>();
    boolean isTuple = false;
    while (true) {
      if (!args.isEmpty()) {
        expect("comma");
      }
      if (isTupleEnd(extraEndRules)) {
        break;
      }
      if (simplified) {
        args.add(parsePrimary());
      } else {
        args.add(parseExpression(withCondexpr));
      }
      if (current().type().equals("comma")) {
        isTuple = true;
      } else {
        break;
      }
      line = current().line();
    }
    if (!isTuple) {
      if (!args.isEmpty()) {
        return args.get(0);
      }
      if (!explicitParens) {
        throw fail("Expected an expression, got " + PyOps.repr(current().describe()));
      }
    }
    return new Expr.TupleLiteral(args, line);
  }

  private boolean isTupleEnd(String[] extraEndRules) {
    String type = current().type();
    if (type.equals("variable_end") || type.equals("block_end") || type.equals("rparen")) {
      return true;
    }
    return extraEndRules != null && current().testAny(extraEndRules);
  }

  private Expr parseList() {
    Token token = expect("lbracket");
    List<Expr> items = new ArrayList<>();
    enterNesting();
    try {
      while (!current().type().equals("rbracket")) {
        if (!items.isEmpty()) {
          expect("comma");
        }
        if (current().type().equals("rbracket")) {
          break;
        }
        items.add(parseExpression(true));
      }
    } finally {
      nesting--;
    }
    expect("rbracket");
    return new Expr.ListLiteral(items, token.line());
  }

  private Expr parseDict() {
    Token token = expect("lbrace");
    List<Expr> keys = new ArrayList<>();
    List<Expr> values = new ArrayList<>();
    enterNesting();
    try {
      while (!current().type().equals("rbrace")) {
        if (!keys.isEmpty()) {
          expect("comma");
        }
        if (current().type().equals("rbrace")) {
          break;
        }
        keys.add(parseExpression(true));
        expect("colon");
        values.add(parseExpression(true));
      }
    } finally {
      nesting--;
    }
    expect("rbrace");
    return new Expr.DictLiteral(keys, values, token.line());
  }

  private Expr parsePostfix(Expr node) {
    while (true) {
      String type = current().type();
      if (type.equals("dot") || type.equals("lbracket")) {
        node = parseSubscript(node);
      } else if (type.equals("lparen")) {
        node = parseCall(node);
      } else {
        return node;
      }
    }
  }

  private Expr parseFilterExpr(Expr node) {
    while (true) {
      String type = current().type();
      if (type.equals("pipe")) {
        node = parseFilter(node, false);
      } else if (current().test("name:is")) {
        node = parseTest(node);
      } else if (type.equals("lparen")) {
        node = parseCall(node);
      } else {
        return node;
      }
    }
  }

  private Expr parseSubscript(Expr node) {
    Token token = next();
    if (token.type().equals("dot")) {
      Token attribute = current();
      next();
      if (attribute.type().equals("name")) {
        return new Expr.Getattr(node, (String) attribute.value(), token.line());
      }
      if (!attribute.type().equals("integer")) {
        throw fail("expected name or number", attribute.line());
      }
      return new Expr.Getitem(
          node, new Expr.Const(attribute.value(), attribute.line()), token.line());
    }
    if (token.type().equals("lbracket")) {
      List<Expr> args = new ArrayList<>();
      while (!current().type().equals("rbracket")) {
        if (!args.isEmpty()) {
          expect("comma");
        }
        args.add(parseSubscribed());
      }
      expect("rbracket");
      Expr argument = args.size() == 1 ? args.get(0) : new Expr.TupleLiteral(args, token.line());
      return new Expr.Getitem(node, argument, token.line());
    }
    throw fail("expected subscript expression", token.line());
  }

  private Expr parseSubscribed() {
    int line = current().line();
    Expr start;
    if (current().type().equals("colon")) {
      next();
      start = null;
    } else {
      Expr node = parseExpression(true);
      if (!current().type().equals("colon")) {
        return node;
      }
      next();
      start = node;
    }
    Expr stop = null;
    if (!current().type().equals("colon")
        && !current().type().equals("rbracket")
        && !current().type().equals("comma")) {
      stop = parseExpression(true);
    }
    Expr step = null;
    if (current().type().equals("colon")) {
      next();
      if (!current().type().equals("rbracket") && !current().type().equals("comma")) {
        step = parseExpression(true);
      }
    }
    return new Expr.Slice(start, stop, step, line);
  }

  private Expr.CallArguments parseCallArgs() {
    Token token = expect("lparen");
    List<Expr> args = new ArrayList<>();
    List<String> keywordNames = new ArrayList<>();
    List<Expr> keywordValues = new ArrayList<>();
    Expr dynArgs = null;
    Expr dynKwargs = null;
    boolean requireComma = false;
    while (!current().type().equals("rparen")) {
      if (requireComma) {
        expect("comma");
        if (current().type().equals("rparen")) {
          break;
        }
      }
      if (current().type().equals("mul")) {
        ensure(dynArgs == null && dynKwargs == null, token);
        next();
        dynArgs = parseExpression(true);
      } else if (current().type().equals("pow")) {
        ensure(dynKwargs == null, token);
        next();
        dynKwargs = parseExpression(true);
      } else if (current().type().equals("name") && look().type().equals("assign")) {
        ensure(dynKwargs == null, token);
        String key = (String) current().value();
        next();
        next();
        keywordNames.add(key);
        keywordValues.add(parseExpression(true));
      } else {
        ensure(dynArgs == null && dynKwargs == null && keywordNames.isEmpty(), token);
        args.add(parseExpression(true));
      }
      requireComma = true;
    }
    expect("rparen");
    return new Expr.CallArguments(args, keywordNames, keywordValues, dynArgs, dynKwargs);
  }

  private void ensure(boolean ok, Token token) {
    if (!ok) {
      throw fail("invalid syntax for function call expression", token.line());
    }
  }

  private Expr parseCall(Expr node) {
    Token token = current();
    Expr.CallArguments arguments = parseCallArgs();
    return new Expr.Call(node, arguments, token.line());
  }

  private Expr parseFilter(Expr node, boolean startInline) {
    while (current().type().equals("pipe") || startInline) {
      if (!startInline) {
        next();
      }
      Token token = expect("name");
      StringBuilder name = new StringBuilder((String) token.value());
      while (current().type().equals("dot")) {
        next();
        name.append('.').append((String) expect("name").value());
      }
      Expr.CallArguments arguments =
          current().type().equals("lparen") ? parseCallArgs() : Expr.CallArguments.NONE;
      Filters.Filter filter = Filters.get(name.toString());
      if (filter == null && !soft) {
        assertion("No filter named " + PyOps.repr(name.toString()) + ".", token.line());
      }
      node = new Expr.FilterCall(node, name.toString(), filter, arguments, token.line());
      startInline = false;
    }
    return node;
  }

  private Expr parseTest(Expr node) {
    Token token = next();
    boolean negated = false;
    if (current().test("name:not")) {
      next();
      negated = true;
    }
    StringBuilder name = new StringBuilder((String) expect("name").value());
    while (current().type().equals("dot")) {
      next();
      name.append('.').append((String) expect("name").value());
    }
    Expr.CallArguments arguments;
    String type = current().type();
    if (type.equals("lparen")) {
      arguments = parseCallArgs();
    } else if (Set.of("name", "string", "integer", "float", "lparen", "lbracket", "lbrace")
            .contains(type)
        && !current().testAny("name:else", "name:or", "name:and")) {
      if (current().test("name:is")) {
        throw fail("You cannot chain multiple tests with is");
      }
      Expr argument = parsePostfix(parsePrimary());
      arguments = new Expr.CallArguments(List.of(argument), List.of(), List.of(), null, null);
    } else {
      arguments = Expr.CallArguments.NONE;
    }
    Tests.Test test = Tests.get(name.toString());
    if (test == null && !soft) {
      assertion("No test named " + PyOps.repr(name.toString()) + ".", token.line());
    }
    Expr result = new Expr.TestCall(node, name.toString(), test, arguments, token.line());
    return negated ? new Expr.Not(result, token.line()) : result;
  }
}
