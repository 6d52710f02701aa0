# SPDX-License-Identifier: MIT
# Run by the packaging_metadata test: validates the configured launcher and AppStream metadata with
# whichever of the two validators was found (an empty path means that one is skipped).
foreach(check IN ITEMS desktop appstream)
    if(check STREQUAL "desktop" AND DESKTOP_FILE_VALIDATE)
        set(command ${DESKTOP_FILE_VALIDATE} ${DESKTOP_FILE})
    elseif(check STREQUAL "appstream" AND APPSTREAMCLI)
        # --no-net: the test must not depend on reaching the homepage.
        set(command ${APPSTREAMCLI} validate --no-net --pedantic ${METAINFO_FILE})
    else()
        message(STATUS "skipped: ${check} (validator not found)")
        continue()
    endif()
    execute_process(COMMAND ${command} RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
    list(JOIN command " " command)
    # desktop-file-validate exits 0 on warnings, so they fail here too. Its hints stay allowed: the
    # one it gives, two main categories (Development and Network), is deliberate.
    if(NOT result EQUAL 0 OR output MATCHES "(error|warning): ")
        message(FATAL_ERROR "${command} failed (${result}):\n${output}")
    endif()
    message(STATUS "ok: ${command}\n${output}")
endforeach()
