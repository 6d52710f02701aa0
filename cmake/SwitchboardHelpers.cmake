# SPDX-License-Identifier: MIT
# switchboard_add_test(NAME SOURCES <files...> [LIBS <targets...>] [GUI])
# Builds one Qt Test executable and registers it with CTest. GUI tests run on the offscreen platform.
function(switchboard_add_test name)
    cmake_parse_arguments(ARG "GUI" "" "SOURCES;LIBS" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE switchboard_options Qt6::Test ${ARG_LIBS})
    add_test(NAME ${name} COMMAND ${name})
    set(_env "QT_QPA_PLATFORM=offscreen" "SWITCHBOARD_TEST_DATA=${PROJECT_SOURCE_DIR}/tests/data")
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "${_env}" TIMEOUT 120)
endfunction()
