# SPDX-License-Identifier: MIT
# One INTERFACE target carries the language level, Qt hygiene defines and warnings; every target links it.
add_library(switchboard_options INTERFACE)
target_compile_features(switchboard_options INTERFACE cxx_std_20)
target_compile_definitions(switchboard_options INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_URL_CAST_FROM_STRING
    QT_USE_QSTRINGBUILDER
    QT_NO_CONTEXTLESS_CONNECT
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_NO_FOREACH
    QT_NO_KEYWORDS)
target_compile_options(switchboard_options INTERFACE
    -Wall -Wextra -Wpedantic -Wold-style-cast -Woverloaded-virtual -Wnon-virtual-dtor
    $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local> $<$<CXX_COMPILER_ID:Clang>:-Wshadow-uncaptured-local>)
if(SWITCHBOARD_WARNINGS_AS_ERRORS)
    target_compile_options(switchboard_options INTERFACE -Werror)
endif()

set(_switchboard_sanitizers "")
if(SWITCHBOARD_ENABLE_ASAN)
    list(APPEND _switchboard_sanitizers address)
endif()
if(SWITCHBOARD_ENABLE_UBSAN)
    list(APPEND _switchboard_sanitizers undefined)
endif()
if(SWITCHBOARD_BUILD_FUZZERS)
    # Coverage for libFuzzer in every library the fuzzers reach; the sanitizer runtime provides the
    # hooks for the other executables.
    target_compile_options(switchboard_options INTERFACE -fsanitize=fuzzer-no-link)
endif()
if(_switchboard_sanitizers)
    list(JOIN _switchboard_sanitizers "," _switchboard_sanitize_flag)
    target_compile_options(switchboard_options INTERFACE
        -fsanitize=${_switchboard_sanitize_flag} -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(switchboard_options INTERFACE -fsanitize=${_switchboard_sanitize_flag})
    if(SWITCHBOARD_ENABLE_UBSAN AND CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
        # Clang 14 cannot emit -fsanitize=function prologues in coroutines ("Cannot represent a
        # difference across sections"), and the check misfires on calls into uninstrumented Qt.
        target_compile_options(switchboard_options INTERFACE -fno-sanitize=function)
    endif()
endif()
