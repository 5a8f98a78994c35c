#!/bin/bash
# Every fixture host gives its documented verdict, text and JSON.
exec "$(dirname "$0")/../golden.sh"
