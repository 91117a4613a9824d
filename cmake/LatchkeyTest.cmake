# latchkey_add_test(<name> SOURCES <files...> LIBRARIES <targets...> [LABELS <labels...>]
#                   [WRAPPER <command...>])
#
# The one way to add a Qt Test executable: it builds <name> from its sources,
# registers it with CTest and gives it an environment that keeps tests off the
# user's real settings, data and display. WRAPPER runs the test through a
# command (say, a private D-Bus session set up in a particular way).
function(latchkey_add_test name)
    cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES;LABELS;WRAPPER" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE Qt6::Test ${ARG_LIBRARIES})
    target_compile_definitions(${name} PRIVATE
        LATCHKEY_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data")
    latchkey_set_warnings(${name})
    add_test(NAME ${name} COMMAND ${ARG_WRAPPER} $<TARGET_FILE:${name}>)
    set_tests_properties(${name} PROPERTIES
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;QT_LOGGING_RULES=*.debug=false"
        TIMEOUT 300
        LABELS "${ARG_LABELS}")
endfunction()
