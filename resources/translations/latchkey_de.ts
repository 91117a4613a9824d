<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>BrowserLauncher</name>
    <message>
        <location filename="../../core/client/BrowserLauncher.cpp" line="+33"/>
        <source>No web browser could be opened.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The browser command &quot;%1&quot; could not be started.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BusyView</name>
    <message>
        <location filename="../../ui/mainwindow/BusyView.cpp" line="+18"/>
        <source>Working</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CountdownLabel</name>
    <message>
        <location filename="../../ui/onboarding/CountdownLabel.cpp" line="+21"/>
        <source>This registration has expired. Cancel and sign in again to start over.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Finish within %1:%2 minutes, or sign in again to start over.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CreateAccountPage</name>
    <message>
        <location filename="../../ui/onboarding/CreateAccountPage.cpp" line="+18"/>
        <source>&amp;Sign in again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Create your account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check the details, then create the account.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Creating your account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Username: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Display name: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Email: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signs in with: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Creating your account…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Your account is ready. Signing you in…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The terms have changed. Please review and agree to the current version.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>An account with %1 already exists. Sign in with %2 instead: that is how you signed up before.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the provider you used then</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source> or </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>This registration is no longer valid (it expired, or the account was already created). Sign in again to continue.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>Too many attempts. Wait %n second(s), then click Create account again.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The server could not be reached. Your choices are kept: click Create account to try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The account could not be created: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DiscoveryJob</name>
    <message>
        <location filename="../../core/client/DiscoveryJob.cpp" line="+20"/>
        <source>&quot;%1&quot; is not a server address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+15"/>
        <source>%1 is not an OpenID Connect server (its discovery document is not JSON).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ErrorView</name>
    <message>
        <location filename="../../ui/mainwindow/ErrorView.cpp" line="+14"/>
        <source>Signing in didn&apos;t work</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Try again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Se&amp;rver settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Back</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>JobError</name>
    <message numerus="yes">
        <location filename="../../core/client/JobError.cpp" line="+24"/>
        <source>Too many attempts. Try again in %n second(s).</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The sign-in server has a problem (HTTP %1). Try again later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The server refused the request (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The server answered HTTP %1 without an explanation.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../core/client/NetworkJob.cpp" line="+31"/>
        <source>The request could not be made.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+35"/>
        <source>The server at %1 did not answer in time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The server at %1 cannot be reached (%2).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>JwksJob</name>
    <message>
        <location filename="../../core/client/JwksJob.cpp" line="+28"/>
        <source>The server publishes no signing key Latchkey can use.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LoopbackReceiver</name>
    <message numerus="yes">
        <location filename="../../core/client/LoopbackReceiver.cpp" line="+30"/>
        <source>The browser did not come back within %n minute(s).</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Latchkey cannot receive the browser&apos;s answer: no loopback port is available.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Signing in was cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Not allowed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Only this computer may answer Latchkey.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This sign-in page is out of date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>It belongs to an earlier or another sign-in. Return to Latchkey and continue there.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The answer came from an unexpected server. Signing in was stopped for your safety.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signing in was stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Signing in was cancelled in the browser.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The server could not sign you in (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+5"/>
        <source>You are not signed in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-1"/>
        <source>The server&apos;s answer had no authorization code.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>You&apos;re signed in to the browser part</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Latchkey is finishing signing you in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+12"/>
        <source>You can close this tab and return to Latchkey.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/mainwindow/MainWindow.cpp" line="+30"/>
        <source>Latchkey</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+33"/>
        <source>&amp;Latchkey</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Server settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;About Latchkey</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>About Latchkey</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;h3&gt;Latchkey %1&lt;/h3&gt;&lt;p&gt;Sign in on the desktop with your Google, GitHub or Microsoft account, through your own browser.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+11"/>
        <source>You signed out.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Restoring your session…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Signing you in…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Welcome! Finish creating your account in the registration window.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OnboardingWizard</name>
    <message>
        <location filename="../../ui/onboarding/OnboardingWizard.cpp" line="+21"/>
        <source>Create your Latchkey account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Create account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Cancel registration?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your account will not be created, and what you entered is discarded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Discard registration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Keep going</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ProfilePage</name>
    <message>
        <location filename="../../ui/onboarding/ProfilePage.cpp" line="+20"/>
        <source>Suggestions:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Your profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This is how others see you. You can change your display name later; the username stays.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Display name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Username</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 shared no email address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 — verified by %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 — not verified</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Email</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Username status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+19"/>
        <source>&amp;Display name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Email:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Username:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+51"/>
        <source>Choose a username.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Checking whether “%1” is available…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+17"/>
        <source>✓ “%1” is available.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Availability could not be checked (%1). It will be checked when you create the account.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Use the username %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ProviderMetadata</name>
    <message>
        <location filename="../../core/client/ProviderMetadata.cpp" line="+28"/>
        <source>The server calls itself &quot;%1&quot;, not &quot;%2&quot;. Check the server address in the settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The server&apos;s discovery document lacks an authorization, token or key endpoint.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The server does not support PKCE with S256, which Latchkey requires.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <location filename="../../ui/terms/webengine/WebTermsPlugin.cpp" line="+23"/>
        <source>Terms of service</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SessionManager</name>
    <message>
        <location filename="../../core/client/SessionManager.cpp" line="+210"/>
        <source>The server&apos;s registration token is not valid (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The server&apos;s identity token is not valid (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+10"/>
        <source>This is your first sign-in, but the server offers no way to register from this app.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The server sent no identity token.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+96"/>
        <location line="+148"/>
        <source>Your session can&apos;t be remembered on this computer: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-109"/>
        <source>Your session can&apos;t be restored right now: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Your session has ended. Sign in again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+86"/>
        <source>Your session has ended (%1). Sign in again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../ui/settings/SettingsDialog.cpp" line="+25"/>
        <source>Server settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Server address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Client id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Server address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>C&amp;lient id:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Enter a client id.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Checking %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Not saved: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SignedInView</name>
    <message>
        <location filename="../../ui/mainwindow/SignedInView.cpp" line="+41"/>
        <source>Account picture</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Sign &amp;out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Email:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signed in with:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Session:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+19"/>
        <source>none shared</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 ✓ verified</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 (not verified)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>your identity provider</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Renews automatically; current access until %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SignedOutView</name>
    <message>
        <location filename="../../ui/mainwindow/SignedOutView.cpp" line="+13"/>
        <source>&amp;Sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Welcome to Latchkey</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sign in with your Google, GitHub or Microsoft account. Your browser opens for the sign-in itself; Latchkey never sees your password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Why you are signed out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Se&amp;rver settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Server: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TermsJob</name>
    <message>
        <location filename="../../core/client/TermsJob.cpp" line="+35"/>
        <source>The terms of service do not say which version they are.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TermsPage</name>
    <message>
        <location filename="../../ui/onboarding/TermsPage.cpp" line="+20"/>
        <source>I &amp;agree to the terms of service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+38"/>
        <source>Terms of service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-37"/>
        <source>Please read the terms. Your account is created only if you agree.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>I agree to the terms of service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+52"/>
        <source>Loading the terms…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The terms could not be loaded: %1 Go back and forward to try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Version %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TokenResponse</name>
    <message>
        <location filename="../../core/client/TokenResponse.cpp" line="+16"/>
        <source>The server asked for onboarding but sent no onboarding token.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The server&apos;s answer has no access_token.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UserInfoJob</name>
    <message>
        <location filename="../../core/client/UserInfoJob.cpp" line="+32"/>
        <source>The server&apos;s user information has no subject.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UsernameCheckJob</name>
    <message>
        <location filename="../../core/client/UsernameCheckJob.cpp" line="+44"/>
        <source>The username check gave no answer.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UsernameMessages</name>
    <message>
        <location filename="../../ui/onboarding/UsernameMessages.cpp" line="+13"/>
        <source>Use at least 3 characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Use at most 30 characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Use only lowercase letters, digits and the separators . _ -</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Start with a letter.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>End with a letter or a digit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Don&apos;t put two separators (. _ -) next to each other.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This name is reserved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Someone already has this username.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>VaultJob</name>
    <message>
        <location filename="../../core/client/VaultJob.cpp" line="+27"/>
        <source>The keychain did not answer in time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+40"/>
        <source>The keychain entry of this account cannot be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Access to the keychain was refused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+17"/>
        <source>The keychain is locked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-15"/>
        <source>No keychain (Secret Service) is available on this computer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+17"/>
        <location line="+3"/>
        <source>No saved session.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WaitingView</name>
    <message>
        <location filename="../../ui/mainwindow/WaitingView.cpp" line="+16"/>
        <source>&amp;Open the browser again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cop&amp;y sign-in link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Continue in your browser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Latchkey opened your web browser. Choose how to sign in there; this window continues by itself when you are done.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Waiting for the browser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+32"/>
        <source>%1 Copy the sign-in link and open it in a browser yourself.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The sign-in link is on the clipboard. Paste it into your browser&apos;s address bar.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <location filename="../../ui/onboarding/WelcomePage.cpp" line="+10"/>
        <source>Create your Latchkey account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a new account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>You signed in with %1 as %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This is your first time here. In the next steps you choose your username and display name%1; then Latchkey creates your account and signs you in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source> and review the terms of service</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../../app/main.cpp" line="+48"/>
        <source>Sign in with OpenID Connect through your browser.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Server (issuer) URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>OAuth client id.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Browser to use instead of the system one; %u is the sign-in URL, e.g. &quot;firefox %u&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Start signing in right away.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sign out of the remembered session.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
