# AddressSanitizer and UndefinedBehaviorSanitizer for every target, and the
# libFuzzer instrumentation for the fuzz targets (tests/fuzz). Both need clang
# (scripts/test.sh configures build-asan with clang++-14): GCC's UBSan misses
# float-to-integer overflow (qint64(1e300)), and libFuzzer is clang's.
option(LATCHKEY_SANITIZE "Build everything with -fsanitize=address,undefined (clang)" OFF)
option(LATCHKEY_FUZZ "Build the libFuzzer targets of tests/fuzz (clang; implies LATCHKEY_SANITIZE)" OFF)

if(LATCHKEY_FUZZ)
    set(LATCHKEY_SANITIZE ON)
endif()
if(NOT LATCHKEY_SANITIZE)
    return()
endif()
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "LATCHKEY_SANITIZE and LATCHKEY_FUZZ need clang (e.g. CXX=clang++-14)")
endif()

# Any report is an error: no recovering and carrying on after the first one.
set(latchkey_sanitizers -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all)
add_compile_options(${latchkey_sanitizers} -fno-omit-frame-pointer)
add_link_options(${latchkey_sanitizers})
if(LATCHKEY_FUZZ)
    # Coverage feedback from all of our code; only the harnesses link libFuzzer's main.
    add_compile_options(-fsanitize=fuzzer-no-link)
endif()
