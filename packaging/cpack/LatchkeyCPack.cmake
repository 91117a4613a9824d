# CPack: two packages from one build, "latchkey" (the desktop client) and
# "latchkey-server" (the reference server). Debian packages are built and
# install-tested here (tests/packaging); the Windows (NSIS, WiX) and macOS
# (DragNDrop) generators are configured for builds on those systems.
set(CPACK_PACKAGE_NAME latchkey)
set(CPACK_PACKAGE_VENDOR "The Latchkey developers")
set(CPACK_PACKAGE_CONTACT "The Latchkey developers <dev@latchkey.example.org>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# Each Debian package's description starts with its own summary line; CPack
# only leaves it alone while the package-wide summary is CPack's default.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CMAKE_PROJECT_NAME} built using CMake")
set(CPACK_PACKAGE_DESCRIPTION "Latchkey signs people in with OpenID Connect through their own web browser and keeps the session in the system keychain.")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://latchkey.example.org/")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL server)
if(LATCHKEY_BUILD_CLIENT)
    list(PREPEND CPACK_COMPONENTS_ALL client)
endif()
set(CPACK_COMPONENT_CLIENT_DISPLAY_NAME "Latchkey")
set(CPACK_COMPONENT_SERVER_DISPLAY_NAME "Latchkey reference server")

# ---- Debian ----
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)

set(CPACK_DEBIAN_CLIENT_PACKAGE_NAME latchkey)
set(CPACK_DEBIAN_CLIENT_PACKAGE_SECTION net)
set(CPACK_DEBIAN_CLIENT_DESCRIPTION "desktop sign-in with OpenID Connect through the system browser
Latchkey signs you in with an account you already have, through an OpenID
Provider and the sign-in services it offers. The sign-in happens in your own web browser (RFC 8252
loopback redirect with PKCE), so Latchkey never sees your password. Sessions
are kept in the system keychain (Secret Service) and restored at start.

A first sign-in opens a registration wizard to choose a username and display
name and to accept the terms of service.")
# QtKeychain needs a Secret Service at run time; gnome-keyring is one.
set(CPACK_DEBIAN_CLIENT_PACKAGE_RECOMMENDS "gnome-keyring | keepassxc | kwalletmanager")
set(CPACK_DEBIAN_CLIENT_PACKAGE_SUGGESTS "latchkey-server")

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME latchkey-server)
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION net)
set(CPACK_DEBIAN_SERVER_DESCRIPTION "reference OpenID Provider for the Latchkey desktop client
The server brokers sign-ins at real upstream providers (OpenID Connect
providers such as Google, OAuth 2.0 providers such as GitHub) named in a
providers file, onboards new users through the Latchkey onboarding API, and
keeps accounts, sessions and signing keys in SQLite. A QA mode with simulated
providers and test personas is for developer machines only.

The packaged service runs as its own system user with a hardened systemd
unit, listens on loopback only by default, and starts once
/etc/latchkey-server/providers.json exists.")
# Qt loads its SQLite driver as a plugin, which the dependency scan cannot see.
# The postinst makes the system user with systemd-sysusers, or adduser without systemd.
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "libqt6sql6-sqlite, adduser")
# PostgreSQL (--database postgresql://...) needs Qt's driver for it, and a
# database server somewhere; several instances sit behind a proxy.
set(CPACK_DEBIAN_SERVER_PACKAGE_RECOMMENDS "libqt6sql6-psql")
set(CPACK_DEBIAN_SERVER_PACKAGE_SUGGESTS "postgresql, nginx")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/server/postinst
    ${PROJECT_SOURCE_DIR}/packaging/server/prerm
    ${PROJECT_SOURCE_DIR}/packaging/server/postrm
    ${PROJECT_SOURCE_DIR}/packaging/server/conffiles)
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# ---- Windows (documented; built on Windows) ----
set(CPACK_NSIS_DISPLAY_NAME "Latchkey")
set(CPACK_NSIS_PACKAGE_NAME "Latchkey")
set(CPACK_NSIS_MUI_ICON ${PROJECT_SOURCE_DIR}/packaging/windows/latchkey.ico)
set(CPACK_NSIS_CREATE_ICONS_EXTRA "CreateShortCut '$SMPROGRAMS\\\\$STARTMENU_FOLDER\\\\Latchkey.lnk' '$INSTDIR\\\\bin\\\\latchkey.exe'")
set(CPACK_WIX_UPGRADE_GUID "6D2E1C84-5B1F-4E0A-9F2D-4C1B7A3E9D51")
set(CPACK_WIX_PRODUCT_ICON ${PROJECT_SOURCE_DIR}/packaging/windows/latchkey.ico)

# ---- macOS (documented; built on macOS) ----
set(CPACK_DMG_VOLUME_NAME "Latchkey")
set(CPACK_BUNDLE_NAME "Latchkey")
set(CPACK_BUNDLE_PLIST ${PROJECT_SOURCE_DIR}/packaging/macos/Info.plist)

if(WIN32)
    set(CPACK_GENERATOR "NSIS;WIX")
elseif(APPLE)
    set(CPACK_GENERATOR "DragNDrop")
else()
    set(CPACK_GENERATOR "DEB")
endif()
include(CPack)
