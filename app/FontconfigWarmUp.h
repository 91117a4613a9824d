#pragma once

#ifdef LATCHKEY_HAVE_FONTCONFIG
#include <fontconfig/fontconfig.h>
#endif

#include <system_error>
#include <thread>

// Reads fontconfig's configuration on a second thread while the main thread
// connects to the display. Before the first text can be measured, fontconfig
// parses its XML files: a third of all the instructions a bare Qt window runs
// before its first frame (callgrind), done on one core while the other idles.
// FcInit() is thread-safe, and Qt's own FcInit() then finds the work done.
// Call wait() before the first widget: a font query racing the thread would
// read the whole configuration a second time.
class FontconfigWarmUp
{
public:
    FontconfigWarmUp()
    {
#ifdef LATCHKEY_HAVE_FONTCONFIG
        try {
            m_thread = std::thread([] { FcInit(); });
        } catch (const std::system_error &) {
            // No thread to be had: Qt reads the configuration itself, as always.
        }
#endif
    }
    ~FontconfigWarmUp()
    {
        wait();
    }
    FontconfigWarmUp(const FontconfigWarmUp &) = delete;
    FontconfigWarmUp &operator=(const FontconfigWarmUp &) = delete;

    void wait()
    {
        if (m_thread.joinable())
            m_thread.join();
    }

private:
    std::thread m_thread;
};
