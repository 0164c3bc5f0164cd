#!/usr/bin/python3
"""Validate dmabench result files against results/schema.json.

usage: /usr/bin/python3 tests/validate-json.py SCHEMA FILE...

Prints "ok FILE" on stdout for each valid file; for an invalid one, every
error as "FILE: <json path>: <message>" on stderr. Exit: 0 all valid,
1 some file invalid or not JSON, 2 bad usage or an unusable schema.

Needs only Debian's python3-jsonschema (4.10). One strictness beyond the
JSON Schema standard: "integer" means a JSON integer literal, so a count
written as 20.0 is rejected (the standard accepts it; DESIGN.md says counts
are JSON integers).
"""
import json
import sys

try:
    import jsonschema
    from jsonschema import Draft202012Validator
except ImportError as e:
    print(f"validate-json: python3-jsonschema is needed: {e}", file=sys.stderr)
    sys.exit(2)


def _strict_integer(checker, instance):
    # json.load gives int only for literals without fraction or exponent
    return isinstance(instance, int) and not isinstance(instance, bool)


StrictValidator = jsonschema.validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _strict_integer),
)


def _reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f, parse_constant=_reject_constant)


def leaves(error):
    """The errors worth showing: for oneOf/anyOf, those of the branches that
    failed on more than the instance's type (e.g. not the "null" branch of a
    nullable object), so the message names the field that is wrong."""
    subs = [c for c in error.context or ()
            if not (c.validator == "type" and c.absolute_path == error.absolute_path)]
    if not subs:
        yield error
        return
    for c in subs:
        yield from leaves(c)


def path_key(error):
    return [(isinstance(p, str), p) for p in error.absolute_path]


def main(argv):
    if len(argv) < 3 or argv[1] in ("-h", "--help"):
        print("usage: validate-json.py SCHEMA FILE...", file=sys.stderr)
        return 2
    try:
        schema = load(argv[1])
        Draft202012Validator.check_schema(schema)
    except (OSError, ValueError) as e:
        print(f"validate-json: {argv[1]}: {e}", file=sys.stderr)
        return 2
    except jsonschema.exceptions.SchemaError as e:
        print(f"validate-json: {argv[1]}: not a valid schema: {e.json_path}: {e.message}",
              file=sys.stderr)
        return 2
    validator = StrictValidator(schema)
    bad = 0
    for path in argv[2:]:
        try:
            doc = load(path)
        except OSError as e:
            print(f"{path}: $: cannot read: {e.strerror}", file=sys.stderr)
            bad += 1
            continue
        except ValueError as e:
            print(f"{path}: $: not JSON: {e}", file=sys.stderr)
            bad += 1
            continue
        errors = sorted((leaf for e in validator.iter_errors(doc) for leaf in leaves(e)),
                        key=path_key)
        if not errors:
            print(f"ok {path}")
            continue
        bad += 1
        for e in errors:
            print(f"{path}: {e.json_path}: {e.message}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
