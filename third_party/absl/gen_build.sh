#!/bin/sh
# Regenerates third_party/absl/BUILD from pkg-config (run by hand after an Abseil upgrade).
set -eu
cd "$(dirname "$0")"
{
  sed -n '1,5p' BUILD
  for c in base status statusor strings str_format flat_hash_map flat_hash_set btree flags flags_parse \
           flags_usage time span inlined_vector optional variant hash synchronization cord random_random; do
    libs=$(pkg-config --libs "absl_$c" | tr ' ' '\n' | grep -v '^$' | awk '{printf "        \"%s\",\n", $0}')
    printf 'cc_library(\n    name = "%s",\n    linkopts = [\n%s\n    ],\n)\n\n' "$c" "$libs"
  done
} > BUILD.new
mv BUILD.new BUILD
