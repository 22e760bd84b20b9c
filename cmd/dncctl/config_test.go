package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func readTestConfig(t *testing.T, yaml string) *fileConfig {
	t.Helper()
	path := filepath.Join(t.TempDir(), "dncctl.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := readConfigFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// A source named with capitals in the config is still blocked: viper
// lowercases map keys.
func TestConfigBlockedSourceCase(t *testing.T) {
	cfg := readTestConfig(t, "sources:\n  Vendor-ACME: {status: blocked}\n  Partner: {status: allowed}\n")
	for _, source := range []string{"Vendor-ACME", "vendor-acme", " VENDOR-ACME "} {
		if !cfg.Policies.SourceBlocked(source) {
			t.Errorf("--source %q is not blocked", source)
		}
	}
	if cfg.Policies.SourceBlocked("Partner") {
		t.Error("an allowed source is blocked")
	}
}

// A region's required registries without a max_age of their own keep the
// default's: none would mean a registry of any age is trusted.
func TestConfigMaxAgeInherited(t *testing.T) {
	cfg := readTestConfig(t, `policies:
  default: {max_age: 31d}
  regions:
    ES: {required_registries: [es-robinson]}
    US: {required_registries: [us-ftc], max_age: 7d}
`)
	day := 24 * time.Hour
	want := map[string][]requiredRegistry{
		"ES": {{Name: "es-robinson", MaxAge: 31 * day}},
		"US": {{Name: "us-ftc", MaxAge: 7 * day}},
	}
	if !reflect.DeepEqual(cfg.Required, want) {
		t.Errorf("required = %+v, want %+v", cfg.Required, want)
	}
}
