<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>BrowserLauncher</name>
    <message>
        <location filename="../../ui/common/BrowserLauncher.cpp" line="+33"/>
        <source>No web browser could be opened.</source>
        <translation>Es konnte kein Webbrowser geöffnet werden.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The browser command &quot;%1&quot; could not be started.</source>
        <translation>Der Browser-Befehl „%1“ konnte nicht gestartet werden.</translation>
    </message>
</context>
<context>
    <name>BusyView</name>
    <message>
        <location filename="../../ui/mainwindow/BusyView.cpp" line="+19"/>
        <source>Working</source>
        <translation>In Arbeit</translation>
    </message>
</context>
<context>
    <name>Command</name>
    <message>
        <location filename="../../cli/Command.cpp" line="+20"/>
        <source>Cancelled.</source>
        <translation>Abgebrochen.</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Your session has ended. Sign in again with: latchkey login</source>
        <translation>Ihre Sitzung ist beendet. Melden Sie sich erneut an mit: latchkey login</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not signed in. Sign in with: latchkey login</source>
        <translation>Nicht angemeldet. Anmelden mit: latchkey login</translation>
    </message>
</context>
<context>
    <name>CountdownLabel</name>
    <message>
        <location filename="../../ui/onboarding/CountdownLabel.cpp" line="+20"/>
        <source>This registration has expired. Cancel and sign in again to start over.</source>
        <translation>Diese Registrierung ist abgelaufen. Brechen Sie ab und melden Sie sich erneut an, um neu zu beginnen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Finish within %1:%2 minutes, or sign in again to start over.</source>
        <translation>Schließen Sie innerhalb von %1:%2 Minuten ab, sonst melden Sie sich erneut an.</translation>
    </message>
</context>
<context>
    <name>CreateAccountPage</name>
    <message>
        <location filename="../../ui/onboarding/CreateAccountPage.cpp" line="+22"/>
        <source>&amp;Sign in again</source>
        <translation>Erneut an&amp;melden</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Create your account</source>
        <translation>Konto erstellen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check the details, then create the account.</source>
        <translation>Prüfen Sie die Angaben und erstellen Sie dann das Konto.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Creating your account</source>
        <translation>Ihr Konto wird erstellt</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Username: %1</source>
        <translation>Benutzername: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Display name: %1</source>
        <translation>Anzeigename: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Email: %1</source>
        <translation>E-Mail: %1</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signs in with: %1</source>
        <translation>Anmeldung mit: %1</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Creating your account…</source>
        <translation>Ihr Konto wird erstellt …</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Your account is ready. Signing you in…</source>
        <translation>Ihr Konto ist bereit. Sie werden angemeldet …</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The terms have changed. Please review and agree to the current version.</source>
        <translation>Die Nutzungsbedingungen haben sich geändert. Bitte lesen Sie die aktuelle Fassung und stimmen Sie ihr zu.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>An account with %1 already exists. Sign in with %2 instead: that is how you signed up before.</source>
        <translation>Es gibt bereits ein Konto mit %1. Melden Sie sich stattdessen mit %2 an – damit haben Sie sich damals registriert.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the provider you used then</source>
        <translation>dem damals verwendeten Anbieter</translation>
    </message>
    <message>
        <location line="+0"/>
        <source> or </source>
        <translation> oder </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>This registration is no longer valid (it expired, or the account was already created). Sign in again to continue.</source>
        <translation>Diese Registrierung ist nicht mehr gültig (abgelaufen oder das Konto wurde bereits erstellt). Melden Sie sich erneut an, um fortzufahren.</translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>Too many attempts. Wait %n second(s), then click Create account again.</source>
        <translation>
            <numerusform>Zu viele Versuche. Warten Sie %n Sekunde und klicken Sie dann erneut auf „Konto erstellen“.</numerusform>
            <numerusform>Zu viele Versuche. Warten Sie %n Sekunden und klicken Sie dann erneut auf „Konto erstellen“.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The server could not be reached. Your choices are kept: click Create account to try again.</source>
        <translation>Der Server ist nicht erreichbar. Ihre Angaben bleiben erhalten: Klicken Sie auf „Konto erstellen“, um es erneut zu versuchen.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The account could not be created: %1</source>
        <translation>Das Konto konnte nicht erstellt werden: %1</translation>
    </message>
</context>
<context>
    <name>ErrorMessages</name>
    <message>
        <location filename="../../ui/common/ErrorMessages.cpp" line="+18"/>
        <source>Signing in was cancelled.</source>
        <translation>Die Anmeldung wurde abgebrochen.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>&quot;%1&quot; is not a server address.</source>
        <translation>„%1“ ist keine Serveradresse.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&quot;%1&quot; uses plain http. Latchkey only signs in over https, except to a server on this computer.</source>
        <translation>„%1“ verwendet unverschlüsseltes http. Latchkey meldet sich nur über https an, außer bei einem Server auf diesem Computer.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 is not an OpenID Connect server.</source>
        <translation>%1 ist kein OpenID-Connect-Server.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The server calls itself by another address than the one set. Check the server address in the settings.</source>
        <translation>Der Server nennt sich mit einer anderen Adresse als der eingestellten. Prüfen Sie die Serveradresse in den Einstellungen.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The server lacks something Latchkey needs.</source>
        <translation>Dem Server fehlt etwas, das Latchkey benötigt.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The server publishes no signing key Latchkey can use.</source>
        <translation>Der Server veröffentlicht keinen Signaturschlüssel, den Latchkey verwenden kann.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Latchkey cannot receive the browser&apos;s answer: no loopback port is available.</source>
        <translation>Latchkey kann die Antwort des Browsers nicht empfangen: Kein lokaler Port ist frei.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The code was not entered in time. Start signing in again for a new code.</source>
        <translation>Der Code wurde nicht rechtzeitig eingegeben. Beginnen Sie die Anmeldung erneut, um einen neuen Code zu erhalten.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The browser did not come back in time. Sign in again.</source>
        <translation>Der Browser hat sich nicht rechtzeitig zurückgemeldet. Melden Sie sich erneut an.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Signing in was cancelled in the browser.</source>
        <translation>Die Anmeldung wurde im Browser abgebrochen.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The answer came from an unexpected server. Signing in was stopped for your safety.</source>
        <translation>Die Antwort kam von einem unerwarteten Server. Die Anmeldung wurde zu Ihrer Sicherheit gestoppt.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The server&apos;s answer had no authorization code.</source>
        <translation>Die Antwort des Servers enthielt keinen Autorisierungscode.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The server sent no identity token.</source>
        <translation>Der Server hat kein Identitätstoken gesendet.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The server&apos;s identity token is not valid.</source>
        <translation>Das Identitätstoken des Servers ist ungültig.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The server&apos;s registration token is not valid.</source>
        <translation>Das Registrierungstoken des Servers ist ungültig.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This is your first sign-in, but the server offers no way to register from this app.</source>
        <translation>Dies ist Ihre erste Anmeldung, aber der Server bietet keine Registrierung über diese App an.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Your session has ended. Sign in again.</source>
        <translation>Ihre Sitzung ist beendet. Melden Sie sich erneut an.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>latchkey-server is not installed next to Latchkey.</source>
        <translation>latchkey-server ist nicht neben Latchkey installiert.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The reference server could not be started.</source>
        <translation>Der Referenzserver konnte nicht gestartet werden.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The reference server stopped at once.</source>
        <translation>Der Referenzserver hat sich sofort wieder beendet.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The reference server did not start in time.</source>
        <translation>Der Referenzserver ist nicht rechtzeitig gestartet.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Something went wrong (%1).</source>
        <translation>Etwas ist schiefgelaufen (%1).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The server at %1 cannot be reached.</source>
        <translation>Der Server %1 ist nicht erreichbar.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The server at %1 did not answer in time.</source>
        <translation>Der Server %1 hat nicht rechtzeitig geantwortet.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The sign-in server has a problem (HTTP %1). Try again later.</source>
        <translation>Der Anmeldeserver hat ein Problem (HTTP %1). Versuchen Sie es später erneut.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The server at %1 sent an answer larger than 1 MiB; Latchkey stopped reading it.</source>
        <translation>Der Server unter %1 hat eine Antwort größer als 1 MiB gesendet; Latchkey hat das Lesen abgebrochen.</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>Too many attempts. Try again in %n second(s).</source>
        <translation>
            <numerusform>Zu viele Versuche. Versuchen Sie es in %n Sekunde erneut.</numerusform>
            <numerusform>Zu viele Versuche. Versuchen Sie es in %n Sekunden erneut.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The request could not be made.</source>
        <translation>Die Anfrage konnte nicht gestellt werden.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The server at %1 sent an answer Latchkey cannot use.</source>
        <translation>Der Server %1 hat eine Antwort gesendet, die Latchkey nicht verwenden kann.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>in between</source>
        <translation>dazwischen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The certificate of %1 is not trusted by this computer. If your organisation uses its own certificate authority, ask your administrator to install it on this computer; otherwise someone may be listening in, so do not sign in.</source>
        <translation>Das Zertifikat von %1 ist auf diesem Computer nicht vertrauenswürdig. Wenn Ihre Organisation eine eigene Zertifizierungsstelle verwendet, bitten Sie Ihre Administration, sie auf diesem Computer zu installieren; andernfalls könnte jemand mithören, also melden Sie sich nicht an.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The certificate of %1 was issued for another name, so Latchkey cannot be sure it is talking to %1. Check the server address in the settings; if it is right, tell the server&apos;s administrator.</source>
        <translation>Das Zertifikat von %1 wurde für einen anderen Namen ausgestellt, daher kann Latchkey nicht sicher sein, mit %1 zu sprechen. Prüfen Sie die Serveradresse in den Einstellungen; stimmt sie, informieren Sie die Administration des Servers.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The certificate of %1 has expired or is not valid yet. Check that this computer&apos;s date and time are right; if they are, tell the server&apos;s administrator.</source>
        <translation>Das Zertifikat von %1 ist abgelaufen oder noch nicht gültig. Prüfen Sie Datum und Uhrzeit dieses Computers; stimmen sie, informieren Sie die Administration des Servers.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The proxy server %1 refused the connection. Check the proxy settings of this computer (or Latchkey&apos;s --proxy option), or ask your administrator whether the proxy is running.</source>
        <translation>Der Proxy-Server %1 hat die Verbindung abgelehnt. Prüfen Sie die Proxy-Einstellungen dieses Computers (oder die Option --proxy von Latchkey), oder fragen Sie Ihre Administration, ob der Proxy läuft.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The proxy server %1 needs a user name and password, and none it accepts were given. Try again and enter your proxy sign-in; your administrator can tell you what it is.</source>
        <translation>Der Proxy-Server %1 verlangt einen Benutzernamen und ein Passwort, und es wurden keine angegeben, die er annimmt. Versuchen Sie es erneut und geben Sie Ihre Proxy-Anmeldedaten ein; Ihre Administration kann Ihnen sagen, welche es sind.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The proxy server %1 cannot be found or did not answer in time. Check your network connection and the proxy settings of this computer.</source>
        <translation>Der Proxy-Server %1 wurde nicht gefunden oder hat nicht rechtzeitig geantwortet. Prüfen Sie Ihre Netzwerkverbindung und die Proxy-Einstellungen dieses Computers.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>--proxy must not contain a user name or password: the command line can be read by every program on this computer. Leave them out; Latchkey asks for them in a dialog when the proxy wants them.</source>
        <translation>--proxy darf keinen Benutzernamen und kein Passwort enthalten: Die Befehlszeile kann von jedem Programm auf diesem Computer gelesen werden. Lassen Sie sie weg; Latchkey fragt in einem Dialog danach, wenn der Proxy sie verlangt.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>--proxy &quot;%1&quot;: only http:// and socks5:// proxies are supported, e.g. http://proxy.example.org:3128.</source>
        <translation>--proxy „%1“: Nur http://- und socks5://-Proxys werden unterstützt, z. B. http://proxy.example.org:3128.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>--proxy &quot;%1&quot; names no host. Write it as http://host:port, e.g. http://proxy.example.org:3128.</source>
        <translation>--proxy „%1“ nennt keinen Host. Schreiben Sie http://host:port, z. B. http://proxy.example.org:3128.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>--proxy &quot;%1&quot; names no port. Write it as http://host:port, e.g. http://proxy.example.org:3128.</source>
        <translation>--proxy „%1“ nennt keinen Port. Schreiben Sie http://host:port, z. B. http://proxy.example.org:3128.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>--proxy &quot;%1&quot; is not a proxy address. Write it as http://host:port or socks5://host:port, e.g. http://proxy.example.org:3128.</source>
        <translation>--proxy „%1“ ist keine Proxy-Adresse. Schreiben Sie http://host:port oder socks5://host:port, z. B. http://proxy.example.org:3128.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The server did not accept this sign-in any more. Sign in again.</source>
        <translation>Der Server hat diese Anmeldung nicht mehr angenommen. Melden Sie sich erneut an.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The server does not know this app&apos;s client id. Check the server settings.</source>
        <translation>Der Server kennt die Client-ID dieser App nicht. Prüfen Sie die Servereinstellungen.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The server refused the request (%1).</source>
        <translation>Der Server hat die Anfrage abgelehnt (%1).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The sign-in provider can&apos;t be reached right now. Try again in a few minutes.</source>
        <translation>Der Anmeldedienst ist gerade nicht erreichbar. Versuchen Sie es in ein paar Minuten noch einmal.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The sign-in provider could not confirm who you are.</source>
        <translation>Der Anmeldedienst konnte nicht bestätigen, wer Sie sind.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The server turned down Latchkey&apos;s sign-in request (%1). Check the server address and client id in the server settings.</source>
        <translation>Der Server hat die Anmeldeanfrage von Latchkey abgelehnt (%1). Prüfen Sie Serveradresse und Client-ID in den Servereinstellungen.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The server could not sign you in (%1).</source>
        <translation>Der Server konnte Sie nicht anmelden (%1).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No saved session.</source>
        <translation>Keine gespeicherte Sitzung.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The keychain is locked.</source>
        <translation>Der Schlüsselbund ist gesperrt.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Access to the keychain was refused.</source>
        <translation>Der Zugriff auf den Schlüsselbund wurde verweigert.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The keychain did not answer in time.</source>
        <translation>Der Schlüsselbund hat nicht rechtzeitig geantwortet.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The keychain entry of this account cannot be read.</source>
        <translation>Der Schlüsselbund-Eintrag dieses Kontos ist nicht lesbar.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No keychain (Secret Service) is available on this computer.</source>
        <translation>Auf diesem Computer ist kein Schlüsselbund (Secret Service) verfügbar.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Your session can&apos;t be restored right now: %1</source>
        <translation>Ihre Sitzung kann gerade nicht wiederhergestellt werden: %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Your session can&apos;t be remembered on this computer: %1</source>
        <translation>Ihre Sitzung kann auf diesem Computer nicht gespeichert werden: %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1 You stay signed in; Latchkey tries again at %2.</source>
        <extracomment>%1: what went wrong, a sentence; %2: a time such as 09:42.</extracomment>
        <translation>%1 Sie bleiben angemeldet; Latchkey versucht es um %2 erneut.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1 or %2</source>
        <extracomment>Joins the last two of several provider names: &quot;GitHub or Google&quot;.</extracomment>
        <translation>%1 oder %2</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>, </source>
        <translation>, </translation>
    </message>
    <message>
        <location line="+10"/>
        <source>the provider you signed up with</source>
        <translation>dem Anbieter, mit dem Sie sich registriert haben</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the provider</source>
        <translation>der Anbieter</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Linking was cancelled. Nothing was linked; you can still sign in with %1.</source>
        <translation>Die Verknüpfung wurde abgebrochen. Es wurde nichts verknüpft; Sie können sich weiterhin mit %1 anmelden.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>That %1 account already belongs to another Latchkey account. Nothing was linked.</source>
        <translation>Dieses %1-Konto gehört bereits zu einem anderen Latchkey-Konto. Es wurde nichts verknüpft.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>You signed in to %1 with an account other than the one that uses this email address. Nothing was linked.</source>
        <translation>Sie haben sich bei %1 mit einem anderen Konto angemeldet als dem, das diese E-Mail-Adresse verwendet. Es wurde nichts verknüpft.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>That %1 account has no Latchkey account. Nothing was linked: sign in with the %1 account you signed up with.</source>
        <translation>Zu diesem %1-Konto gibt es kein Latchkey-Konto. Es wurde nichts verknüpft: Melden Sie sich mit dem %1-Konto an, mit dem Sie sich registriert haben.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The link request expired. Nothing was linked: sign in with %1, or start again.</source>
        <translation>Die Verknüpfungsanfrage ist abgelaufen. Es wurde nichts verknüpft: Melden Sie sich mit %1 an oder beginnen Sie von vorn.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 can&apos;t be reached right now. Nothing was linked; try again in a few minutes.</source>
        <translation>%1 ist gerade nicht erreichbar. Es wurde nichts verknüpft; versuchen Sie es in einigen Minuten erneut.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Nothing was linked: %1 was not added to your account.</source>
        <translation>Es wurde nichts verknüpft: %1 wurde Ihrem Konto nicht hinzugefügt.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nothing was linked.</source>
        <translation>Es wurde nichts verknüpft.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1 is now linked to your account.</source>
        <translation>%1 ist jetzt mit Ihrem Konto verknüpft.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 is now linked to your account; you can sign in with %2.</source>
        <translation>%1 ist jetzt mit Ihrem Konto verknüpft; Sie können sich mit %2 anmelden.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>This registration is no longer valid, so nothing can be linked. Sign in again to continue.</source>
        <translation>Diese Registrierung ist nicht mehr gültig, daher kann nichts verknüpft werden. Melden Sie sich erneut an, um fortzufahren.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The account that uses this email address can&apos;t be linked from here. Sign in with the provider you signed up with instead.</source>
        <translation>Das Konto, das diese E-Mail-Adresse verwendet, kann von hier aus nicht verknüpft werden. Melden Sie sich stattdessen mit dem Anbieter an, mit dem Sie sich registriert haben.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Linking could not start: %1</source>
        <translation>Die Verknüpfung konnte nicht beginnen: %1</translation>
    </message>
</context>
<context>
    <name>ErrorView</name>
    <message>
        <location filename="../../ui/mainwindow/ErrorView.cpp" line="+15"/>
        <source>Details:</source>
        <translation>Details:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Signing in didn&apos;t work</source>
        <translation>Die Anmeldung hat nicht geklappt</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Try again</source>
        <translation>&amp;Erneut versuchen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Se&amp;rver settings…</source>
        <translation>Se&amp;rvereinstellungen …</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Back</source>
        <translation>&amp;Zurück</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Copy details</source>
        <translation>Details &amp;kopieren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Copies a report for your administrator: versions, server, recent errors. It holds no password or token.</source>
        <translation>Kopiert einen Bericht für Ihre Administration: Versionen, Server, letzte Fehler. Er enthält kein Passwort und kein Token.</translation>
    </message>
</context>
<context>
    <name>LinkAccountPage</name>
    <message>
        <location filename="../../ui/onboarding/LinkAccountPage.cpp" line="+20"/>
        <source>&amp;Sign in again</source>
        <translation>Erneut &amp;anmelden</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>You already have an account</source>
        <translation>Sie haben bereits ein Konto</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Preparing the link</source>
        <translation>Verknüpfung wird vorbereitet</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>the provider you signed up with</source>
        <translation>dem Anbieter, mit dem Sie sich registriert haben</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> or </source>
        <translation> oder </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 is already used by your Latchkey account, which you sign in to with %2.

Link %3 to it, and you can sign in to that account with %3 too. To prove the account is yours, you sign in with %4 once more in your browser.</source>
        <translation>%1 wird bereits von Ihrem Latchkey-Konto verwendet, bei dem Sie sich mit %2 anmelden.

Verknüpfen Sie %3 damit, dann können Sie sich bei diesem Konto auch mit %3 anmelden. Um zu zeigen, dass das Konto Ihnen gehört, melden Sie sich dafür noch einmal im Browser mit %4 an.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This email address</source>
        <translation>Diese E-Mail-Adresse</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Link %1 to it</source>
        <translation>%1 damit &amp;verknüpfen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign in with %1 &amp;instead</source>
        <translation>&amp;Stattdessen mit %1 anmelden</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Preparing the link…</source>
        <translation>Verknüpfung wird vorbereitet …</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Continue in your browser.</source>
        <translation>Fahren Sie in Ihrem Browser fort.</translation>
    </message>
</context>
<context>
    <name>LoginCommand</name>
    <message>
        <location filename="../../cli/LoginCommand.cpp" line="+40"/>
        <source>Already signed in as @%1 with %2. To sign in as someone else, run latchkey logout first.</source>
        <translation>Bereits als @%1 mit %2 angemeldet. Um sich als jemand anderes anzumelden, führen Sie zuerst latchkey logout aus.</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>No keychain answers in this session (%1). Latchkey keeps sessions only in a keychain, never in a plain file, so nothing was signed in.</source>
        <translation>In dieser Sitzung antwortet kein Schlüsselbund (%1). Latchkey bewahrt Sitzungen nur in einem Schlüsselbund auf, nie in einer einfachen Datei; daher wurde niemand angemeldet.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sign in from your desktop session, or start a keychain here first, for example:</source>
        <translation>Melden Sie sich in Ihrer Desktop-Sitzung an, oder starten Sie hier zuerst einen Schlüsselbund, zum Beispiel:</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Signing in was cancelled; nothing was signed in.</source>
        <translation>Die Anmeldung wurde abgebrochen; niemand wurde angemeldet.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nothing was signed in.</source>
        <translation>Niemand wurde angemeldet.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Signing in didn&apos;t work: %1</source>
        <translation>Die Anmeldung hat nicht funktioniert: %1</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>To sign in, open %1 on any device and enter the code:</source>
        <translation>Öffnen Sie zum Anmelden %1 auf einem beliebigen Gerät und geben Sie diesen Code ein:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Or open %1</source>
        <translation>Oder öffnen Sie %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting for you to finish (the code works until %1; Ctrl+C to cancel)…</source>
        <translation>Warte, bis Sie fertig sind (der Code gilt bis %1; Strg+C bricht ab)…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Continue in your browser. If it did not open, open this link:</source>
        <translation>Fahren Sie in Ihrem Browser fort. Falls er sich nicht geöffnet hat, öffnen Sie diesen Link:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No browser could be opened. Open this link in a browser on this computer:</source>
        <translation>Es konnte kein Browser geöffnet werden. Öffnen Sie diesen Link in einem Browser auf diesem Computer:</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Signed in as %1 (@%2) with %3.</source>
        <translation>Angemeldet als %1 (@%2) mit %3.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Cancelled. Nothing was signed in or created.</source>
        <translation>Abgebrochen. Niemand wurde angemeldet, nichts wurde angelegt.</translation>
    </message>
</context>
<context>
    <name>LogoutCommand</name>
    <message>
        <location filename="../../cli/LogoutCommand.cpp" line="+13"/>
        <source>Not signed in.</source>
        <translation>Nicht angemeldet.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Signed out of @%1.</source>
        <translation>Von @%1 abgemeldet.</translation>
    </message>
</context>
<context>
    <name>LoopbackReceiver</name>
    <message>
        <location filename="../../core/client/LoopbackReceiver.cpp" line="+265"/>
        <source>Not allowed</source>
        <translation>Nicht erlaubt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Only this computer may answer Latchkey.</source>
        <translation>Nur dieser Computer darf Latchkey antworten.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>This sign-in page is out of date</source>
        <translation>Diese Anmeldeseite ist veraltet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>It belongs to an earlier or another sign-in. Return to Latchkey and continue there.</source>
        <translation>Sie gehört zu einer früheren oder anderen Anmeldung. Kehren Sie zu Latchkey zurück und fahren Sie dort fort.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The answer came from an unexpected server. Signing in was stopped for your safety.</source>
        <translation>Die Antwort kam von einem unerwarteten Server. Die Anmeldung wurde zu Ihrer Sicherheit gestoppt.</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Signing in was stopped</source>
        <translation>Die Anmeldung wurde gestoppt</translation>
    </message>
    <message>
        <location line="-63"/>
        <source>Not understood</source>
        <translation>Nicht verstanden</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Latchkey could not read this request.</source>
        <translation>Latchkey konnte diese Anfrage nicht lesen.</translation>
    </message>
    <message>
        <location line="+99"/>
        <source>Signing in was cancelled in the browser.</source>
        <translation>Die Anmeldung wurde im Browser abgebrochen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The sign-in provider can&apos;t be reached right now. Try again in a few minutes.</source>
        <translation>Der Anmeldedienst ist gerade nicht erreichbar. Versuchen Sie es in ein paar Minuten noch einmal.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The sign-in provider could not confirm who you are.</source>
        <translation>Der Anmeldedienst konnte nicht bestätigen, wer Sie sind.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The server turned down Latchkey&apos;s sign-in request (%1). Check the server address and client id in the server settings.</source>
        <translation>Der Server hat die Anmeldeanfrage von Latchkey abgelehnt (%1). Prüfen Sie Serveradresse und Client-ID in den Servereinstellungen.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The server could not sign you in (%1).</source>
        <translation>Der Server konnte Sie nicht anmelden (%1).</translation>
    </message>
    <message>
        <location line="-34"/>
        <location line="+5"/>
        <source>You are not signed in</source>
        <translation>Sie sind nicht angemeldet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The server&apos;s answer had no authorization code.</source>
        <translation>Die Antwort des Servers enthielt keinen Autorisierungscode.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Done in the browser</source>
        <translation>Im Browser erledigt</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Latchkey is finishing in its own window.</source>
        <translation>Latchkey schließt die Anmeldung in seinem eigenen Fenster ab.</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>You can close this tab and return to Latchkey.</source>
        <translation>Sie können diesen Tab schließen und zu Latchkey zurückkehren.</translation>
    </message>
    <message>
        <location line="-95"/>
        <source>Not found</source>
        <translation>Nicht gefunden</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Latchkey only expects the browser back at its sign-in address.</source>
        <translation>Latchkey erwartet den Browser nur an seiner Anmeldeadresse zurück.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/mainwindow/MainWindow.cpp" line="+34"/>
        <source>Latchkey</source>
        <translation>Latchkey</translation>
    </message>
    <message>
        <location line="+100"/>
        <source>&amp;Latchkey</source>
        <translation>&amp;Latchkey</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Server settings…</source>
        <translation>&amp;Servereinstellungen …</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;About Latchkey</source>
        <translation>Ü&amp;ber Latchkey</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>About Latchkey</source>
        <translation>Über Latchkey</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;h3&gt;Latchkey %1&lt;/h3&gt;&lt;p&gt;Sign in on the desktop with an account you already have, through your own browser.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Latchkey %1&lt;/h3&gt;&lt;p&gt;Melden Sie sich am Desktop mit einem Konto an, das Sie bereits haben – über Ihren eigenen Browser.&lt;/p&gt;</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>You signed out.</source>
        <translation>Sie haben sich abgemeldet.</translation>
    </message>
    <message>
        <location line="-93"/>
        <source>Restoring your session…</source>
        <translation>Ihre Sitzung wird wiederhergestellt …</translation>
    </message>
    <message>
        <location line="+133"/>
        <source>Signing you in…</source>
        <translation>Sie werden angemeldet …</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Welcome! Finish creating your account in the registration window.</source>
        <translation>Willkommen! Schließen Sie die Kontoerstellung im Registrierungsfenster ab.</translation>
    </message>
</context>
<context>
    <name>OnboardingWizard</name>
    <message>
        <location filename="../../ui/onboarding/OnboardingWizard.cpp" line="+43"/>
        <source>Create your Latchkey account</source>
        <translation>Ihr Latchkey-Konto erstellen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Create account</source>
        <translation>Konto &amp;erstellen</translation>
    </message>
    <message>
        <location line="+90"/>
        <source>Cancel registration?</source>
        <translation>Registrierung abbrechen?</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Stop linking?</source>
        <translation>Verknüpfung abbrechen?</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nothing will be linked, and no new account is created. You can still sign in with the provider you signed up with.</source>
        <translation>Es wird nichts verknüpft und kein neues Konto erstellt. Sie können sich weiterhin mit dem Anbieter anmelden, mit dem Sie sich registriert haben.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Your account will not be created, and what you entered is discarded.</source>
        <translation>Ihr Konto wird nicht erstellt, und Ihre Eingaben werden verworfen.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Discard registration</source>
        <translation>Registrierung &amp;verwerfen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>&amp;Stop linking</source>
        <translation>Verknüpfung &amp;abbrechen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Keep going</source>
        <translation>&amp;Weitermachen</translation>
    </message>
</context>
<context>
    <name>ProfilePage</name>
    <message>
        <location filename="../../ui/onboarding/ProfilePage.cpp" line="+24"/>
        <source>Suggestions:</source>
        <translation>Vorschläge:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Your profile</source>
        <translation>Ihr Profil</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This is how others see you. You can change your display name later; the username stays.</source>
        <translation>So sehen andere Sie. Den Anzeigenamen können Sie später ändern, den Benutzernamen nicht.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Display name</source>
        <translation>Anzeigename</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Username</source>
        <translation>Benutzername</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 shared no email address</source>
        <translation>%1 hat keine E-Mail-Adresse übermittelt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 — verified by %2</source>
        <translation>%1 – bestätigt von %2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 — not verified</source>
        <translation>%1 – nicht bestätigt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Username status</source>
        <translation>Status des Benutzernamens</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>&amp;Display name:</source>
        <translation>&amp;Anzeigename:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Email:</source>
        <translation>E-Mail:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Username:</source>
        <translation>&amp;Benutzername:</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>Choose a username.</source>
        <translation>Wählen Sie einen Benutzernamen.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Checking whether “%1” is available…</source>
        <translation>Es wird geprüft, ob „%1“ frei ist …</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>✓ “%1” is available.</source>
        <translation>✓ „%1“ ist frei.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Availability could not be checked (%1). It will be checked when you create the account.</source>
        <translation>Die Verfügbarkeit konnte nicht geprüft werden (%1). Sie wird beim Erstellen des Kontos geprüft.</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Use the username %1</source>
        <translation>Benutzernamen %1 verwenden</translation>
    </message>
</context>
<context>
    <name>ProviderMetadata</name>
    <message>
        <location filename="../../core/client/ProviderMetadata.cpp" line="+79"/>
        <source>The server calls itself &quot;%1&quot;, not &quot;%2&quot;. Check the server address in the settings.</source>
        <translation>Der Server nennt sich „%1“, nicht „%2“. Prüfen Sie die Serveradresse in den Einstellungen.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>The server&apos;s discovery document lacks an authorization, token or key endpoint.</source>
        <translation>Dem Discovery-Dokument des Servers fehlt ein Autorisierungs-, Token- oder Schlüssel-Endpunkt.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The server does not support PKCE with S256, which Latchkey requires.</source>
        <translation>Der Server unterstützt kein PKCE mit S256, das Latchkey voraussetzt.</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>&quot;%1&quot; uses plain http. Latchkey only signs in over https, except to a server on this computer (127.0.0.1 or [::1]).</source>
        <translation>„%1“ verwendet unverschlüsseltes http. Latchkey meldet Sie nur über https an, außer bei einem Server auf diesem Computer (127.0.0.1 oder [::1]).</translation>
    </message>
    <message>
        <location line="-39"/>
        <source>The server names an address without encryption (%1). Latchkey only uses https, except on this computer.</source>
        <translation>Der Server nennt eine Adresse ohne Verschlüsselung (%1). Latchkey verwendet nur https, außer auf diesem Computer.</translation>
    </message>
</context>
<context>
    <name>ProxyCredentialsDialog</name>
    <message>
        <location filename="../../ui/common/ProxyCredentialsDialog.cpp" line="+19"/>
        <source>&amp;Remember this password</source>
        <translation>Passwort &amp;merken</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Proxy sign-in</source>
        <translation>Anmeldung am Proxy</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The proxy server %1 asks for your user name and password.</source>
        <translation>Der Proxy-Server %1 fragt nach Ihrem Benutzernamen und Passwort.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The proxy did not accept the user name and password. Check them and try again.</source>
        <translation>Der Proxy hat Benutzername und Passwort nicht angenommen. Prüfen Sie sie und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Proxy user name</source>
        <translation>Benutzername für den Proxy</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Proxy password</source>
        <translation>Passwort für den Proxy</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remember this password</source>
        <translation>Passwort merken</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kept in this computer&apos;s keychain, and used without asking next time.</source>
        <translation>Wird im Schlüsselbund dieses Computers aufbewahrt und beim nächsten Mal ohne Nachfrage verwendet.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Sign in</source>
        <translation>&amp;Anmelden</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;User name:</source>
        <translation>&amp;Benutzername:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Password:</source>
        <translation>&amp;Passwort:</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../ui/settings/SettingsDialog.cpp" line="+27"/>
        <source>Server settings</source>
        <translation>Servereinstellungen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Server address</source>
        <translation>Serveradresse</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Client id</source>
        <translation>Client-ID</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Server address:</source>
        <translation>&amp;Serveradresse:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>C&amp;lient id:</source>
        <translation>C&amp;lient-ID:</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Enter a client id.</source>
        <translation>Geben Sie eine Client-ID ein.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Checking %1…</source>
        <translation>%1 wird geprüft …</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Not saved: %1</source>
        <translation>Nicht gespeichert: %1</translation>
    </message>
</context>
<context>
    <name>SignInMethodsDialog</name>
    <message>
        <location filename="../../ui/mainwindow/SignInMethodsDialog.cpp" line="+26"/>
        <source>&amp;Add</source>
        <translation>&amp;Hinzufügen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Remove…</source>
        <translation>&amp;Entfernen …</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Cancel</source>
        <translation>&amp;Abbrechen</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+3"/>
        <source>Sign-in methods</source>
        <translation>Anmeldemethoden</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>You can sign in to your account with each of these.</source>
        <translation>Mit jeder dieser Methoden können Sie sich bei Ihrem Konto anmelden.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Provider</source>
        <translation>Anbieter</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Linked</source>
        <translation>Verknüpft</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Provider to add</source>
        <translation>Hinzuzufügender Anbieter</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Working</source>
        <translation>In Arbeit</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>A&amp;dd a provider:</source>
        <translation>Anbieter hin&amp;zufügen:</translation>
    </message>
    <message>
        <location line="+71"/>
        <source>no email</source>
        <translation>keine E-Mail</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Your only sign-in method can&apos;t be removed.</source>
        <translation>Ihre einzige Anmeldemethode kann nicht entfernt werden.</translation>
    </message>
    <message>
        <location line="-50"/>
        <source>Loading your sign-in methods…</source>
        <translation>Ihre Anmeldemethoden werden geladen …</translation>
    </message>
    <message>
        <location line="+69"/>
        <source>Preparing to add %1…</source>
        <translation>Hinzufügen von %1 wird vorbereitet …</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Continue in your browser: sign in with %1 to add it to your account.</source>
        <translation>Fahren Sie in Ihrem Browser fort: Melden Sie sich mit %1 an, um es Ihrem Konto hinzuzufügen.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>For your security, sign in again first. Continue in your browser; then Latchkey finishes by itself.</source>
        <translation>Zu Ihrer Sicherheit melden Sie sich zuerst erneut an. Fahren Sie in Ihrem Browser fort; danach schließt Latchkey den Vorgang selbst ab.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Removing %1…</source>
        <translation>%1 wird entfernt …</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>%1 was removed: you can no longer sign in with it.</source>
        <translation>%1 wurde entfernt: Sie können sich damit nicht mehr anmelden.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cancelled. Nothing was changed.</source>
        <translation>Abgebrochen. Es wurde nichts geändert.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 is your only sign-in method, so it can&apos;t be removed.</source>
        <translation>%1 ist Ihre einzige Anmeldemethode und kann daher nicht entfernt werden.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 was not linked to your account any more.</source>
        <translation>%1 war nicht mehr mit Ihrem Konto verknüpft.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Signing in was cancelled in the browser. Nothing was changed.</source>
        <translation>Die Anmeldung wurde im Browser abgebrochen. Es wurde nichts geändert.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Your sign-in methods could not be loaded: %1</source>
        <translation>Ihre Anmeldemethoden konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Nothing was changed: %1</source>
        <translation>Es wurde nichts geändert: %1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Remove %1?</source>
        <translation>%1 entfernen?</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>You will no longer be able to sign in to this account with %1.</source>
        <translation>Sie können sich dann nicht mehr mit %1 bei diesem Konto anmelden.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Remove %1</source>
        <translation>%1 &amp;entfernen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Keep it</source>
        <translation>&amp;Behalten</translation>
    </message>
</context>
<context>
    <name>SignedInView</name>
    <message>
        <location filename="../../ui/mainwindow/SignedInView.cpp" line="+39"/>
        <source>&amp;Try now</source>
        <translation>&amp;Jetzt versuchen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign-in &amp;methods…</source>
        <translation>Anmelde&amp;methoden …</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Account picture</source>
        <translation>Kontobild</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Your username</source>
        <translation>Ihr Benutzername</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Renew the sign-in now instead of waiting</source>
        <translation>Die Anmeldung jetzt erneuern, statt zu warten</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sign &amp;out</source>
        <translation>Ab&amp;melden</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Email:</source>
        <translation>E-Mail:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Signed in with:</source>
        <translation>Angemeldet mit:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Session:</source>
        <translation>Sitzung:</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>none shared</source>
        <translation>keine übermittelt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 ✓ verified</source>
        <translation>%1 ✓ bestätigt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 (not verified)</source>
        <translation>%1 (nicht bestätigt)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Access ended at %1; it is renewed as soon as the server answers.</source>
        <translation>Der Zugang endete um %1; er wird erneuert, sobald der Server antwortet.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Renews automatically; current access until %1</source>
        <translation>Verlängert sich automatisch; aktueller Zugang bis %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ends at %1; the server does not renew it, so sign in again then.</source>
        <translation>Endet um %1; der Server verlängert sie nicht, melden Sie sich dann erneut an.</translation>
    </message>
</context>
<context>
    <name>SignedOutView</name>
    <message>
        <location filename="../../ui/mainwindow/SignedOutView.cpp" line="+15"/>
        <source>&amp;Sign in</source>
        <translation>&amp;Anmelden</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Welcome to Latchkey</source>
        <translation>Willkommen bei Latchkey</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Why you are signed out</source>
        <translation>Warum Sie abgemeldet sind</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Sign in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <location line="-23"/>
        <source>Se&amp;rver settings…</source>
        <translation>Se&amp;rvereinstellungen …</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Sign in with an account you already have. Your browser opens for the sign-in itself; Latchkey never sees your password.</source>
        <translation>Melden Sie sich mit einem Konto an, das Sie bereits haben. Für die Anmeldung öffnet sich Ihr Browser; Latchkey sieht Ihr Passwort nie.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The server&apos;s explanation</source>
        <translation>Die Erklärung des Servers</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Server: %1</source>
        <translation>Server: %1</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Continue with %1</source>
        <translation>Weiter mit %1</translation>
    </message>
</context>
<context>
    <name>StatusCommand</name>
    <message>
        <location filename="../../cli/StatusCommand.cpp" line="+39"/>
        <source>Signed in as %1 (@%2)</source>
        <translation>Angemeldet als %1 (@%2)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>  Provider: %1</source>
        <translation>  Anbieter: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>  Server:   %1</source>
        <translation>  Server:   %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>  Email:    %1</source>
        <translation>  E-Mail:   %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>  Access:   until %1, renews automatically</source>
        <translation>  Zugang:   bis %1, wird automatisch erneuert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>  Access:   until %1, then sign in again</source>
        <translation>  Zugang:   bis %1, danach erneut anmelden</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>  Offline:  %1</source>
        <translation>  Offline:  %1</translation>
    </message>
</context>
<context>
    <name>TerminalOnboarding</name>
    <message>
        <location filename="../../cli/TerminalOnboarding.cpp" line="+22"/>
        <source>The username could not be checked now (%1); it is checked again when the account is created.</source>
        <translation>Der Benutzername konnte gerade nicht geprüft werden (%1); er wird beim Anlegen des Kontos erneut geprüft.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The input ended before the questions were answered, so no account was created.</source>
        <translation>Die Eingabe endete, bevor die Fragen beantwortet waren, daher wurde kein Konto erstellt.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Welcome! You signed in with %1. Create your Latchkey account:</source>
        <translation>Willkommen! Sie haben sich mit %1 angemeldet. Legen Sie Ihr Latchkey-Konto an:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Welcome! You signed in with %1 as %2. Create your Latchkey account:</source>
        <translation>Willkommen! Sie haben sich mit %1 als %2 angemeldet. Legen Sie Ihr Latchkey-Konto an:</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Display name: </source>
        <translation>Anzeigename: </translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Display name [%1]: </source>
        <translation>Anzeigename [%1]: </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Enter the name others see, for example your full name.</source>
        <translation>Geben Sie den Namen ein, den andere sehen, zum Beispiel Ihren vollständigen Namen.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Username: </source>
        <translation>Benutzername: </translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Username [%1]: </source>
        <translation>Benutzername [%1]: </translation>
    </message>
    <message>
        <location line="+25"/>
        <source>@%1 is available.</source>
        <translation>@%1 ist verfügbar.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Available instead: %1 (press Enter for the first).</source>
        <translation>Stattdessen verfügbar: %1 (Eingabetaste für den ersten).</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Read the terms of service (version %1): %2</source>
        <translation>Lesen Sie die Nutzungsbedingungen (Version %1): %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Do you accept the terms of service? [y/N]: </source>
        <translation>Akzeptieren Sie die Nutzungsbedingungen? [j/N]: </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The terms of service could not be loaded: %1</source>
        <translation>Die Nutzungsbedingungen konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>y</source>
        <extracomment>The short and long &quot;yes&quot; accepted at a [y/N] question, besides English y and yes.</extracomment>
        <translation>j</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>You did not accept the terms of service, so no account was created.</source>
        <translation>Sie haben die Nutzungsbedingungen nicht akzeptiert; daher wurde kein Konto angelegt.</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+51"/>
        <source>Creating your account…</source>
        <translation>Ihr Konto wird erstellt …</translation>
    </message>
    <message>
        <location line="-39"/>
        <source>Your account @%1 is ready.</source>
        <translation>Ihr Konto @%1 ist bereit.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>@%1 was taken a moment ago.</source>
        <translation>@%1 wurde gerade eben vergeben.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The terms of service have changed.</source>
        <translation>Die Nutzungsbedingungen haben sich geändert.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 already belongs to a Latchkey account. Sign in with the provider you used for it: latchkey login</source>
        <translation>%1 gehört bereits zu einem Latchkey-Konto. Melden Sie sich mit dem Anbieter an, den Sie dafür verwendet haben: latchkey login</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 already belongs to a Latchkey account that signs in with %2. Sign in with %2 instead: latchkey login</source>
        <translation>%1 gehört bereits zu einem Latchkey-Konto, das sich mit %2 anmeldet. Melden Sie sich stattdessen mit %2 an: latchkey login</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> or </source>
        <translation> oder </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This registration is no longer valid (it expired, or the account was already created). Start again: latchkey login</source>
        <translation>Diese Registrierung ist nicht mehr gültig (sie ist abgelaufen, oder das Konto wurde bereits angelegt). Beginnen Sie erneut: latchkey login</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The account could not be created: %1</source>
        <translation>Das Konto konnte nicht erstellt werden: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Press Enter to try again, or Ctrl+C to stop. </source>
        <translation>Drücken Sie die Eingabetaste, um es erneut zu versuchen, oder Strg+C, um aufzuhören. </translation>
    </message>
</context>
<context>
    <name>TermsPage</name>
    <message>
        <location filename="../../ui/onboarding/TermsPage.cpp" line="+31"/>
        <source>I &amp;agree to the terms of service</source>
        <translation>Ich &amp;stimme den Nutzungsbedingungen zu</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+49"/>
        <location line="+16"/>
        <location line="+15"/>
        <source>Terms of service</source>
        <translation>Nutzungsbedingungen</translation>
    </message>
    <message>
        <location line="-79"/>
        <source>Please read the terms. Your account is created only if you agree.</source>
        <translation>Bitte lesen Sie die Bedingungen. Ihr Konto wird nur erstellt, wenn Sie zustimmen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>I agree to the terms of service</source>
        <translation>Ich stimme den Nutzungsbedingungen zu</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>The terms are shown in a window of their own.</source>
        <translation>Die Bedingungen werden in einem eigenen Fenster angezeigt.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The server&apos;s terms of service, as a web page.</source>
        <translation>Die Nutzungsbedingungen des Servers als Webseite.</translation>
    </message>
    <message>
        <location line="+56"/>
        <source>Loading the terms…</source>
        <translation>Die Bedingungen werden geladen …</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The terms could not be loaded: %1 Go back and forward to try again.</source>
        <translation>Die Bedingungen konnten nicht geladen werden: %1 Gehen Sie zurück und wieder vor, um es erneut zu versuchen.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Version %1</source>
        <translation>Version %1</translation>
    </message>
</context>
<context>
    <name>TokenCommand</name>
    <message>
        <location filename="../../cli/TokenCommand.cpp" line="+17"/>
        <source>The access token has run out and can&apos;t be renewed right now: %1</source>
        <translation>Das Zugangstoken ist abgelaufen und kann gerade nicht erneuert werden: %1</translation>
    </message>
</context>
<context>
    <name>TokenResponse</name>
    <message>
        <location filename="../../core/client/TokenResponse.cpp" line="+32"/>
        <source>The server asked for onboarding but sent no onboarding token.</source>
        <translation>Der Server verlangt eine Registrierung, hat aber kein Registrierungstoken gesendet.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The server&apos;s answer has no access_token.</source>
        <translation>Die Antwort des Servers enthält kein access_token.</translation>
    </message>
</context>
<context>
    <name>UsernameMessages</name>
    <message>
        <location filename="../../ui/onboarding/UsernameMessages.cpp" line="+12"/>
        <source>Use at least 3 characters.</source>
        <translation>Verwenden Sie mindestens 3 Zeichen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Use at most 30 characters.</source>
        <translation>Verwenden Sie höchstens 30 Zeichen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Use only lowercase letters, digits and the separators . _ -</source>
        <translation>Verwenden Sie nur Kleinbuchstaben, Ziffern und die Trennzeichen . _ -</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Start with a letter.</source>
        <translation>Beginnen Sie mit einem Buchstaben.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>End with a letter or a digit.</source>
        <translation>Enden Sie mit einem Buchstaben oder einer Ziffer.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Don&apos;t put two separators (. _ -) next to each other.</source>
        <translation>Setzen Sie keine zwei Trennzeichen (. _ -) direkt hintereinander.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This name is reserved.</source>
        <translation>Dieser Name ist reserviert.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Someone already has this username.</source>
        <translation>Dieser Benutzername ist bereits vergeben.</translation>
    </message>
</context>
<context>
    <name>WaitingView</name>
    <message>
        <location filename="../../ui/mainwindow/WaitingView.cpp" line="+17"/>
        <source>&amp;Open the browser again</source>
        <translation>Browser erneut ö&amp;ffnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cop&amp;y sign-in link</source>
        <translation>Anmeldelink &amp;kopieren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Continue in your browser</source>
        <translation>Weiter im Browser</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Latchkey opened your web browser. Choose how to sign in there; this window continues by itself when you are done.</source>
        <translation>Latchkey hat Ihren Webbrowser geöffnet. Wählen Sie dort, wie Sie sich anmelden; dieses Fenster macht danach von selbst weiter.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Waiting for the browser</source>
        <translation>Warten auf den Browser</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Cancel</source>
        <translation>Abbre&amp;chen</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>%1 Copy the sign-in link and open it in a browser yourself.</source>
        <translation>%1 Kopieren Sie den Anmeldelink und öffnen Sie ihn selbst in einem Browser.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The sign-in link is on the clipboard. Paste it into your browser&apos;s address bar.</source>
        <translation>Der Anmeldelink ist in der Zwischenablage. Fügen Sie ihn in die Adresszeile Ihres Browsers ein.</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <location filename="../../ui/onboarding/WelcomePage.cpp" line="+12"/>
        <source>Create your Latchkey account</source>
        <translation>Ihr Latchkey-Konto erstellen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>a new account</source>
        <translation>ein neues Konto</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>You signed in with %1 as %2.</source>
        <translation>Sie haben sich bei %1 als %2 angemeldet.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This is your first time here. Next you choose your username and display name; then Latchkey creates your account and signs you in.</source>
        <translation>Sie sind zum ersten Mal hier. Als Nächstes wählen Sie Benutzernamen und Anzeigenamen; dann erstellt Latchkey Ihr Konto und meldet Sie an.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This is your first time here. Next you choose your username and display name and review the terms of service; then Latchkey creates your account and signs you in.</source>
        <translation>Sie sind zum ersten Mal hier. Als Nächstes wählen Sie Benutzernamen und Anzeigenamen und lesen die Nutzungsbedingungen; dann erstellt Latchkey Ihr Konto und meldet Sie an.</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../../app/main.cpp" line="+62"/>
        <source>Sign in with OpenID Connect through your browser.</source>
        <translation>Anmelden mit OpenID Connect über Ihren Browser.</translation>
    </message>
    <message>
        <location filename="../../cli/ClientOptions.cpp" line="+17"/>
        <source>Server (issuer) URL.</source>
        <translation>URL des Servers (Issuer).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>OAuth client id.</source>
        <translation>OAuth-Client-ID.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Browser to use instead of the system one; %u is the sign-in URL, e.g. &quot;firefox %u&quot;.</source>
        <translation>Browser statt des Systembrowsers; %u ist die Anmelde-URL, z. B. „firefox %u“.</translation>
    </message>
    <message>
        <location filename="../../app/main.cpp" line="-22"/>
        <source>Start signing in right away.</source>
        <translation>Sofort mit der Anmeldung beginnen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sign out of the remembered session.</source>
        <translation>Von der gespeicherten Sitzung abmelden.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Start a private reference server on a free port and sign in against it (for QA and demos).</source>
        <translation>Einen privaten Referenzserver auf einem freien Port starten und sich dort anmelden (für QA und Vorführungen).</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Commands (no display needed; each takes --help and the server options):
  login [--device]  sign in, in the browser or with a code on another device
  status [--json]   who is signed in, and until when
  token             print a valid access token
  logout            sign out</source>
        <translation>Befehle (ohne Bildschirm nutzbar; jeder kennt --help und die Serveroptionen):
  login [--device]  anmelden, im Browser oder mit einem Code auf einem anderen Gerät
  status [--json]   wer angemeldet ist, und bis wann
  token             ein gültiges Zugangstoken ausgeben
  logout            abmelden</translation>
    </message>
    <message>
        <location filename="../../cli/ClientOptions.cpp" line="+5"/>
        <source>Proxy for every connection instead of the system&apos;s, as http://host:port or socks5://host:port (no password: it is asked for when needed).</source>
        <translation>Proxy für jede Verbindung statt des Systemproxys, als http://host:port oder socks5://host:port (ohne Passwort: danach wird bei Bedarf gefragt).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Log every step of signing in to the terminal (never a password, token or code).</source>
        <translation>Jeden Schritt der Anmeldung im Terminal protokollieren (nie ein Passwort, Token oder Code).</translation>
    </message>
    <message>
        <location filename="../../app/main.cpp" line="+102"/>
        <source>Latchkey</source>
        <translation>Latchkey</translation>
    </message>
    <message>
        <location filename="../../cli/CommandLine.cpp" line="+30"/>
        <source>Sign in: in the browser, or with a code on another device.</source>
        <translation>Anmelden: im Browser oder mit einem Code auf einem anderen Gerät.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Who is signed in, and until when.</source>
        <translation>Wer angemeldet ist, und bis wann.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Print a valid access token (renewed first when needed).</source>
        <translation>Ein gültiges Zugangstoken ausgeben (bei Bedarf zuerst erneuert).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign out and forget the session.</source>
        <translation>Abmelden und die Sitzung vergessen.</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Sign in with a code on another device.</source>
        <translation>Mit einem Code auf einem anderen Gerät anmelden.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Print JSON.</source>
        <translation>JSON ausgeben.</translation>
    </message>
</context>
</TS>
