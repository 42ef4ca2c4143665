package io.adapterforge.preprocessing.template;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * jinja2's symbol analysis ({@code idtracking.py}), reduced to the one thing it changes in the
 * output: which names each scope starts as undefined (see {@link Frame}). For every scope, names
 * are visited in jinja2's order: a load before any store resolves from outside; a first store that
 * no enclosing scope refers to makes the name undefined from the scope's start; stores inside an
 * {@code if} that not every branch makes resolve from outside.
 */
final class ScopeAnalysis {
  private enum Load {
    PARAMETER,
    RESOLVE,
    ALIAS,
    UNDEFINED
  }

  /** One scope's symbol table: jinja2's {@code Symbols}. */
  private static final class Symbols {
    final Symbols parent;
    Map<String, Load> refs = new HashMap<>();
    Set<String> stores = new HashSet<>();

    Symbols(Symbols parent) {
      this.parent = parent;
    }

    boolean hasRef(String name) {
      for (Symbols s = this; s != null; s = s.parent) {
        if (s.refs.containsKey(name)) {
          return true;
        }
      }
      return false;
    }

    void load(String name) {
      if (!hasRef(name)) {
        refs.put(name, Load.RESOLVE);
      }
    }

    void store(String name) {
      stores.add(name);
      if (!refs.containsKey(name)) {
        refs.put(name, parent != null && parent.hasRef(name) ? Load.ALIAS : Load.UNDEFINED);
      }
    }

    void parameter(String name) {
      stores.add(name);
      refs.put(name, Load.PARAMETER);
    }

    Symbols copy() {
      Symbols copy = new Symbols(parent);
      copy.refs = new HashMap<>(refs);
      copy.stores = new HashSet<>(stores);
      return copy;
    }

    /** jinja2's {@code branch_update}: merges the symbols of an if's three branches. */
    void branchUpdate(List<Symbols> branches) {
      Map<String, Integer> counts = new HashMap<>();
      for (Symbols branch : branches) {
        for (String target : branch.stores) {
          if (!stores.contains(target)) {
            counts.merge(target, 1, Integer::sum);
          }
        }
      }
      for (Symbols branch : branches) {
        refs.putAll(branch.refs);
        stores.addAll(branch.stores);
      }
      for (Map.Entry<String, Integer> e : counts.entrySet()) {
        if (e.getValue() != branches.size()) {
          boolean outer = parent != null && parent.hasRef(e.getKey());
          refs.put(e.getKey(), outer ? Load.ALIAS : Load.RESOLVE);
        }
      }
    }

    Set<String> undefinedAtEntry() {
      Set<String> names = new LinkedHashSet<>();
      refs.forEach(
          (name, load) -> {
            if (load == Load.UNDEFINED) {
              names.add(name);
            }
          });
      return names;
    }
  }

  private Symbols symbols;

  private ScopeAnalysis() {}

  /**
   * Analyzes a parsed template; fills every nested construct's {@link Frame} and returns the
   * root's.
   */
  static Frame analyze(List<Stmt> body) {
    Frame root = new Frame();
    new ScopeAnalysis().frame(root, null, List.of(), List.of(), body);
    return root;
  }

  /**
   * Analyzes one scope: its parameters, then the expressions evaluated in it (macro defaults), then
   * its statements; then the scopes nested in it, which see this scope's complete symbols.
   */
  private void frame(
      Frame frame, Symbols parent, List<String> parameters, List<Expr> preludes, List<Stmt> body) {
    Symbols saved = symbols;
    symbols = new Symbols(parent);
    for (String parameter : parameters) {
      symbols.parameter(parameter);
    }
    for (Expr expr : preludes) {
      expression(expr);
    }
    for (Stmt stmt : body) {
      statement(stmt);
    }
    frame.undefinedAtEntry(symbols.undefinedAtEntry());
    Symbols complete = symbols;
    for (Stmt stmt : body) {
      nested(stmt, complete);
    }
    symbols = saved;
  }

  /** jinja2's {@code FrameSymbolVisitor}: what a statement does to its own scope's symbols. */
  private void statement(Stmt stmt) {
    if (stmt instanceof Stmt.Print) {
      ((Stmt.Print) stmt).exprs.forEach(this::expression);
    } else if (stmt instanceof Stmt.If) {
      ifStatement((Stmt.If) stmt);
    } else if (stmt instanceof Stmt.For) {
      expression(((Stmt.For) stmt).iterable);
    } else if (stmt instanceof Stmt.Assign) {
      expression(((Stmt.Assign) stmt).value);
      target(((Stmt.Assign) stmt).target);
    } else if (stmt instanceof Stmt.AssignBlock) {
      target(((Stmt.AssignBlock) stmt).target);
    } else if (stmt instanceof Stmt.MacroDef) {
      symbols.store(((Stmt.MacroDef) stmt).definition.name());
    } else if (stmt instanceof Stmt.CallBlock) {
      expression(((Stmt.CallBlock) stmt).call);
    } else if (stmt instanceof Stmt.FilterBlock) {
      expression(((Stmt.FilterBlock) stmt).filter);
    } else if (stmt instanceof Stmt.With) {
      ((Stmt.With) stmt).values.forEach(this::expression);
    }
  }

  /**
   * jinja2 keeps all elifs and the else on the first {@code If} node: three branches (body, the
   * elifs — each an {@code If} with a body and two empty branches — and else).
   */
  private void ifStatement(Stmt.If node) {
    expression(node.tests.get(0));
    Symbols original = symbols;
    List<Symbols> branches = new ArrayList<>();

    symbols = original.copy();
    node.bodies.get(0).forEach(this::statement);
    branches.add(symbols);

    symbols = original.copy();
    for (int i = 1; i < node.tests.size(); i++) {
      expression(node.tests.get(i));
      Symbols elifOriginal = symbols;
      symbols = elifOriginal.copy();
      node.bodies.get(i).forEach(this::statement);
      Symbols elifBody = symbols;
      symbols = elifOriginal;
      symbols.branchUpdate(List.of(elifBody, elifOriginal.copy(), elifOriginal.copy()));
    }
    branches.add(symbols);

    symbols = original.copy();
    node.elseBody.forEach(this::statement);
    branches.add(symbols);

    symbols = original;
    symbols.branchUpdate(branches);
  }

  private void target(Expr target) {
    if (target instanceof Expr.Name) {
      symbols.store(((Expr.Name) target).name);
    } else if (target instanceof Expr.NamespaceRef) {
      symbols.load(((Expr.NamespaceRef) target).name);
    } else if (target instanceof Expr.TupleLiteral) {
      ((Expr.TupleLiteral) target).items.forEach(this::target);
    }
  }

  private void expression(Expr expr) {
    if (expr == null) {
      return;
    }
    if (expr instanceof Expr.Name) {
      symbols.load(((Expr.Name) expr).name);
    } else if (expr instanceof Expr.TupleLiteral) {
      ((Expr.TupleLiteral) expr).items.forEach(this::expression);
    } else if (expr instanceof Expr.ListLiteral) {
      ((Expr.ListLiteral) expr).items.forEach(this::expression);
    } else if (expr instanceof Expr.DictLiteral) {
      Expr.DictLiteral dict = (Expr.DictLiteral) expr;
      for (int i = 0; i < dict.keys.size(); i++) {
        expression(dict.keys.get(i));
        expression(dict.values.get(i));
      }
    } else if (expr instanceof Expr.Getattr) {
      expression(((Expr.Getattr) expr).node);
    } else if (expr instanceof Expr.Getitem) {
      expression(((Expr.Getitem) expr).node);
      expression(((Expr.Getitem) expr).argument);
    } else if (expr instanceof Expr.Slice) {
      Expr.Slice slice = (Expr.Slice) expr;
      expression(slice.start);
      expression(slice.stop);
      expression(slice.step);
    } else if (expr instanceof Expr.Call) {
      expression(((Expr.Call) expr).node);
      arguments(((Expr.Call) expr).arguments);
    } else if (expr instanceof Expr.FilterCall) {
      expression(((Expr.FilterCall) expr).node);
      arguments(((Expr.FilterCall) expr).arguments);
    } else if (expr instanceof Expr.TestCall) {
      expression(((Expr.TestCall) expr).node);
      arguments(((Expr.TestCall) expr).arguments);
    } else if (expr instanceof Expr.CondExpr) {
      Expr.CondExpr cond = (Expr.CondExpr) expr;
      expression(cond.test);
      expression(cond.whenTrue);
      expression(cond.whenFalse);
    } else if (expr instanceof Expr.And) {
      expression(((Expr.And) expr).left);
      expression(((Expr.And) expr).right);
    } else if (expr instanceof Expr.Or) {
      expression(((Expr.Or) expr).left);
      expression(((Expr.Or) expr).right);
    } else if (expr instanceof Expr.Not) {
      expression(((Expr.Not) expr).node);
    } else if (expr instanceof Expr.Negate) {
      expression(((Expr.Negate) expr).node);
    } else if (expr instanceof Expr.Plus) {
      expression(((Expr.Plus) expr).node);
    } else if (expr instanceof Expr.BinOp) {
      expression(((Expr.BinOp) expr).left);
      expression(((Expr.BinOp) expr).right);
    } else if (expr instanceof Expr.Concat) {
      ((Expr.Concat) expr).items.forEach(this::expression);
    } else if (expr instanceof Expr.Compare) {
      Expr.Compare compare = (Expr.Compare) expr;
      expression(compare.first);
      compare.operands.forEach(this::expression);
    }
  }

  private void arguments(Expr.CallArguments arguments) {
    arguments.args.forEach(this::expression);
    arguments.keywordValues.forEach(this::expression);
    expression(arguments.dynArgs);
    expression(arguments.dynKwargs);
  }

  /** The scopes a statement opens, analyzed with {@code parent} as their enclosing symbols. */
  private void nested(Stmt stmt, Symbols parent) {
    if (stmt instanceof Stmt.If) {
      Stmt.If node = (Stmt.If) stmt;
      node.bodies.forEach(body -> body.forEach(s -> nested(s, parent)));
      node.elseBody.forEach(s -> nested(s, parent));
    } else if (stmt instanceof Stmt.For) {
      Stmt.For node = (Stmt.For) stmt;
      List<String> parameters = new ArrayList<>(targetNames(node.target));
      parameters.add("loop");
      frame(node.bodyFrame, parent, parameters, List.of(), node.body);
      frame(node.elseFrame, parent, List.of(), List.of(), node.elseBody);
    } else if (stmt instanceof Stmt.MacroDef) {
      macro(((Stmt.MacroDef) stmt).definition, parent);
    } else if (stmt instanceof Stmt.CallBlock) {
      macro(((Stmt.CallBlock) stmt).caller, parent);
    } else if (stmt instanceof Stmt.AssignBlock) {
      Stmt.AssignBlock node = (Stmt.AssignBlock) stmt;
      frame(node.bodyFrame, parent, List.of(), List.of(), node.body);
    } else if (stmt instanceof Stmt.FilterBlock) {
      Stmt.FilterBlock node = (Stmt.FilterBlock) stmt;
      frame(node.bodyFrame, parent, List.of(), List.of(), node.body);
    } else if (stmt instanceof Stmt.With) {
      Stmt.With node = (Stmt.With) stmt;
      List<String> parameters = new ArrayList<>();
      node.targets.forEach(target -> parameters.addAll(targetNames(target)));
      frame(node.bodyFrame, parent, parameters, List.of(), node.body);
    } else if (stmt instanceof Stmt.Generation) {
      Stmt.Generation node = (Stmt.Generation) stmt;
      frame(node.bodyFrame, parent, List.of(), List.of(), node.body);
    }
  }

  private void macro(Macro.Definition definition, Symbols parent) {
    List<String> parameters = new ArrayList<>(definition.parameters());
    if (definition.usesCaller()) {
      parameters.add("caller");
    }
    if (definition.catchKwargs()) {
      parameters.add("kwargs");
    }
    if (definition.catchVarargs()) {
      parameters.add("varargs");
    }
    frame(definition.frame(), parent, parameters, definition.defaults(), definition.body());
  }

  private static List<String> targetNames(Expr target) {
    List<String> names = new ArrayList<>();
    if (target instanceof Expr.Name) {
      names.add(((Expr.Name) target).name);
    } else if (target instanceof Expr.TupleLiteral) {
      for (Expr item : ((Expr.TupleLiteral) target).items) {
        names.addAll(targetNames(item));
      }
    }
    return names;
  }
}
