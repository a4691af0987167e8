package ui

import "github.com/fhirdoctor/fhirdoctor/config"

// normalizePasted is config.NormalizePasted, the one normaliser rotate and
// the wizard share: surrounding whitespace and wrapping quotes go, inner
// whitespace and control characters are refused with where they are.
var normalizePasted = config.NormalizePasted
