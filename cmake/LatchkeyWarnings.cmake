# Warnings for every target of the project (not for third-party code).
function(latchkey_set_warnings target)
    target_compile_options(${target} PRIVATE
        -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
        -Wcast-align -Woverloaded-virtual
        -Wformat=2 -Wimplicit-fallthrough)
    if(LATCHKEY_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
endfunction()
