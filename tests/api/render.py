"""Renders a crate's public API from rustdoc's JSON as sorted lines of text.

Usage: render.py CRATE.json > CRATE.txt

Every public item reachable from the crate root, at the path a user names
it by (re-exports followed), one line each: functions and methods with
their signatures, struct fields, enum variants, trait items, constants,
and the trait impls of each type (auto and blanket impls left out). Types
are written by their last path segment, so moving an item between private
modules changes nothing here, and changing what a user sees changes a line.
"""

import json
import sys


def main():
    with open(sys.argv[1]) as f:
        doc = json.load(f)
    lines = set()
    Renderer(doc, lines).module(doc["index"][str(doc["root"])], [doc["index"][str(doc["root"])]["name"]])
    for line in sorted(lines):
        print(line)


class Renderer:
    def __init__(self, doc, lines):
        self.index = doc["index"]
        self.paths = doc["paths"]
        self.lines = lines
        self.seen = set()

    def item(self, id):
        return self.index.get(str(id))

    def module(self, item, path):
        for child in item["inner"]["module"]["items"]:
            self.visit(self.item(child), path)

    def visit(self, item, path, name=None):
        if item is None or item.get("visibility") != "public" and "use" not in item["inner"]:
            return
        kind, inner = next(iter(item["inner"].items()))
        name = name or item.get("name")
        here = "::".join(path + [name]) if name else "::".join(path)
        if kind == "use":
            self.reexport(inner, path)
            return
        key = (item["id"], here)
        if key in self.seen:
            return
        self.seen.add(key)
        if kind == "module":
            self.lines.add(f"mod {here}")
            self.module(item, path + [name])
        elif kind == "function":
            self.lines.add(self.function(here, inner))
        elif kind == "struct":
            self.struct(here, item, inner)
        elif kind == "enum":
            self.enum(here, item, inner)
        elif kind == "trait":
            self.trait(here, inner)
        elif kind == "constant":
            self.lines.add(f"const {here}: {self.ty(inner['type'])}")
        elif kind == "static":
            self.lines.add(f"static {here}: {self.ty(inner['type'])}")
        elif kind == "type_alias":
            self.lines.add(f"type {here}{self.generics(inner['generics'])} = {self.ty(inner['type'])}")
        elif kind in ("macro", "proc_macro"):
            self.lines.add(f"macro {here}")
        else:
            self.lines.add(f"{kind} {here}")

    def reexport(self, use, path):
        target = self.item(use["id"]) if use.get("id") is not None else None
        if use["is_glob"]:
            if target is not None and "module" in target["inner"]:
                self.module(target, path)
            else:
                self.lines.add(f"pub use {use['source']}::* in {'::'.join(path)}")
        elif target is not None:
            self.visit(target, path, use["name"])
        else:
            self.lines.add(f"pub use {use['source']} as {'::'.join(path + [use['name']])}")

    def impls(self, here, impl_ids):
        for id in impl_ids:
            impl = self.item(id)
            if impl is None:
                continue
            inner = impl["inner"]["impl"]
            if inner["is_synthetic"] or inner["blanket_impl"] is not None:
                continue
            if inner["trait"] is not None:
                neg = "!" if inner["is_negative"] else ""
                for_ty = self.ty(inner["for"])
                self.lines.add(f"impl {neg}{self.path_ty(inner['trait'])} for {for_ty} (at {here})")
                continue
            for child in inner["items"]:
                method = self.item(child)
                if method is None or method.get("visibility") != "public":
                    continue
                kind, m = next(iter(method["inner"].items()))
                if kind == "function":
                    self.lines.add(self.function(f"{here}::{method['name']}", m))
                elif kind == "constant":
                    self.lines.add(f"const {here}::{method['name']}: {self.ty(m['type'])}")

    def struct(self, here, item, inner):
        kind = inner["kind"]
        attrs = " #[non_exhaustive]" if any("non_exhaustive" in str(a) for a in item.get("attrs", [])) else ""
        self.lines.add(f"struct {here}{self.generics(inner['generics'])}{attrs}")
        fields = []
        if "plain" in kind:
            fields = kind["plain"]["fields"]
        elif "tuple" in kind:
            fields = [f for f in kind["tuple"] if f is not None]
        for id in fields:
            field = self.item(id)
            if field and field.get("visibility") == "public":
                self.lines.add(f"field {here}.{field['name']}: {self.ty(field['inner']['struct_field'])}")
        self.impls(here, inner["impls"])

    def enum(self, here, item, inner):
        attrs = " #[non_exhaustive]" if any("non_exhaustive" in str(a) for a in item.get("attrs", [])) else ""
        self.lines.add(f"enum {here}{self.generics(inner['generics'])}{attrs}")
        for id in inner["variants"]:
            variant = self.item(id)
            kind = variant["inner"]["variant"]["kind"]
            shape = ""
            if isinstance(kind, dict) and "tuple" in kind:
                shape = "(" + ", ".join(self.ty(self.item(f)["inner"]["struct_field"]) for f in kind["tuple"] if f is not None) + ")"
            elif isinstance(kind, dict) and "struct" in kind:
                shape = " { " + ", ".join(f"{self.item(f)['name']}: {self.ty(self.item(f)['inner']['struct_field'])}" for f in kind["struct"]["fields"]) + " }"
            self.lines.add(f"variant {here}::{variant['name']}{shape}")
        self.impls(here, inner["impls"])

    def trait(self, here, inner):
        self.lines.add(f"trait {here}{self.generics(inner['generics'])}{self.bounds(inner['bounds'], ': ')}")
        for id in inner["items"]:
            child = self.item(id)
            kind, m = next(iter(child["inner"].items()))
            if kind == "function":
                self.lines.add(self.function(f"{here}::{child['name']}", m))
            else:
                self.lines.add(f"{kind} {here}::{child['name']}")

    def function(self, here, f):
        sig = f["sig"]
        args = ", ".join(self.arg(name, t) for name, t in sig["inputs"])
        out = f" -> {self.ty(sig['output'])}" if sig["output"] is not None else ""
        asyn = "async " if f["header"]["is_async"] else ""
        where = self.where(f["generics"])
        return f"{asyn}fn {here}{self.generics(f['generics'])}({args}){out}{where}"

    def arg(self, name, t):
        if name == "self":
            if "borrowed_ref" in t:
                r = t["borrowed_ref"]
                return "&mut self" if r["is_mutable"] else "&self"
            return "self"
        return f"{name}: {self.ty(t)}"

    def generics(self, g):
        params = []
        for p in g["params"]:
            kind = p["kind"]
            if "lifetime" in kind:
                params.append(p["name"])
            elif "type" in kind:
                if kind["type"].get("is_synthetic"):
                    continue
                params.append(p["name"] + self.bounds(kind["type"]["bounds"], ": "))
            elif "const" in kind:
                params.append(f"const {p['name']}: {self.ty(kind['const']['type'])}")
        return f"<{', '.join(params)}>" if params else ""

    def where(self, g):
        preds = []
        for p in g["where_predicates"]:
            if "bound_predicate" in p:
                b = p["bound_predicate"]
                preds.append(self.ty(b["type"]) + self.bounds(b["bounds"], ": "))
        return f" where {', '.join(preds)}" if preds else ""

    def bounds(self, bounds, lead):
        out = []
        for b in bounds:
            if "trait_bound" in b:
                out.append(self.path_ty(b["trait_bound"]["trait"]))
            elif "outlives" in b:
                out.append(b["outlives"])
            elif "use" in b:
                out.append("use<..>")
        return lead + " + ".join(out) if out else ""

    def path_ty(self, p):
        name = p["path"].split("::")[-1]
        entry = self.paths.get(str(p.get("id")))
        if entry:
            name = entry["path"][-1]
        return name + self.args(p.get("args"))

    def args(self, args):
        if not args:
            return ""
        if "angle_bracketed" in args:
            a = args["angle_bracketed"]
            parts = []
            for x in a["args"]:
                if "type" in x:
                    parts.append(self.ty(x["type"]))
                elif "lifetime" in x:
                    parts.append(x["lifetime"])
                elif "const" in x:
                    parts.append(str(x["const"].get("expr", "_")))
                else:
                    parts.append("_")
            for c in a.get("constraints", []):
                binding = c.get("binding", {})
                if "equality" in binding and "type" in binding["equality"]:
                    parts.append(f"{c['name']} = {self.ty(binding['equality']['type'])}")
                elif "constraint" in binding:
                    parts.append(c["name"] + self.bounds(binding["constraint"], ": "))
            return f"<{', '.join(parts)}>" if parts else ""
        if "parenthesized" in args:
            p = args["parenthesized"]
            out = f" -> {self.ty(p['output'])}" if p.get("output") else ""
            return "(" + ", ".join(self.ty(t) for t in p["inputs"]) + ")" + out
        return ""

    def ty(self, t):
        if t is None:
            return "()"
        kind, v = next(iter(t.items()))
        if kind == "resolved_path":
            return self.path_ty(v)
        if kind == "dyn_trait":
            traits = " + ".join(self.path_ty(x["trait"]) for x in v["traits"])
            life = f" + {v['lifetime']}" if v.get("lifetime") else ""
            return f"dyn {traits}{life}"
        if kind == "generic":
            return v
        if kind == "primitive":
            return v
        if kind == "tuple":
            return "(" + ", ".join(self.ty(x) for x in v) + ")"
        if kind == "slice":
            return f"[{self.ty(v)}]"
        if kind == "array":
            return f"[{self.ty(v['type'])}; {v['len']}]"
        if kind == "impl_trait":
            return "impl " + self.bounds(v, "").strip()
        if kind == "borrowed_ref":
            life = f"{v['lifetime']} " if v.get("lifetime") else ""
            mut = "mut " if v["is_mutable"] else ""
            return f"&{life}{mut}{self.ty(v['type'])}"
        if kind == "raw_pointer":
            return f"*{'mut' if v['is_mutable'] else 'const'} {self.ty(v['type'])}"
        if kind == "qualified_path":
            return f"<{self.ty(v['self_type'])}>::{v['name']}"
        if kind == "function_pointer":
            sig = v["sig"]
            out = f" -> {self.ty(sig['output'])}" if sig["output"] else ""
            return "fn(" + ", ".join(self.ty(x[1]) for x in sig["inputs"]) + ")" + out
        return kind


if __name__ == "__main__":
    main()
