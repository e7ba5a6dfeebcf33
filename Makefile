# A thin wrapper over CMake (the neovim pattern). The two commands a person needs:
#   make run    install missing Debian packages, build, start the desktop app
#   make test   the same set-up, then every test suite, headless
# Others: make deps | build | serve | format | lint | test-asan | fuzz | bench | screenshots | package | clean

BUILD_DIR      ?= build
ASAN_BUILD_DIR ?= build-asan
FUZZ_BUILD_DIR ?= build-fuzz
BUILD_TYPE     ?= RelWithDebInfo
FUZZ_SECONDS   ?= 60
CMAKE_FLAGS    ?=
CTEST_ARGS     ?=

.PHONY: all deps configure build run test serve format lint test-asan fuzz bench screenshots package clean

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)

configure: $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR)

run: deps build
	$(BUILD_DIR)/bin/minato

test: deps build
	bash scripts/run-tests.sh $(BUILD_DIR) $(CTEST_ARGS)

serve: build
	$(BUILD_DIR)/bin/minato-registry serve --listen 127.0.0.1:5000 --root ./registry-data

# ASan + UBSan build of the module suites that do not need a GUI.
test-asan: deps
	cmake -S . -B $(ASAN_BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMINATO_SANITIZE=ON -DMINATO_BUILD_BENCH=OFF
	cmake --build $(ASAN_BUILD_DIR) --target test_oci_digest test_oci_reference test_oci_protocol test_oci_content \
		test_client test_client_core test_client_credentials test_registry test_registry_http test_registry_store test_registry_access
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		bash scripts/run-tests.sh $(ASAN_BUILD_DIR) -L "oci|client|registry"

# Each libFuzzer target for FUZZ_SECONDS on a scratch copy of its seed corpus. Not part of CI.
fuzz: deps
	cmake -S . -B $(FUZZ_BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
		-DMINATO_FUZZ=ON -DMINATO_BUILD_TESTS=OFF -DMINATO_BUILD_BENCH=OFF
	cmake --build $(FUZZ_BUILD_DIR)
	bash scripts/fuzz.sh $(FUZZ_BUILD_DIR) $(FUZZ_SECONDS)

bench: build
	BUILD_DIR=$(BUILD_DIR) bash bench/run.sh

screenshots: build
	bash scripts/screenshot.sh $(BUILD_DIR)

package: build
	cd $(BUILD_DIR) && cpack -G DEB

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i

lint: configure
	git ls-files 'src/*.cpp' 'embedded_registry/*.cpp' | xargs clang-tidy -p $(BUILD_DIR) --quiet

clean:
	rm -rf $(BUILD_DIR) $(ASAN_BUILD_DIR) $(FUZZ_BUILD_DIR)
