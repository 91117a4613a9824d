#include "SessionTransitions.h"

#include <array>
#include <utility>

namespace {
using Step = SessionManager::Step;

// SignedOut is reachable from every step: cancel(), signOut(), reconfigure()
// and an ended session may come at any moment; it is listed for each.
// SignedIn → Discovering and the ways back to SignedIn are the account
// sign-ins (adding a method, re-authenticating), which end where they began.
const std::array<std::pair<Step, QList<Step>>, 12> Table{{
    {Step::SignedOut, {Step::SignedOut, Step::Restoring, Step::Discovering}},
    {Step::KeychainRetry, {Step::SignedOut, Step::KeychainRetry, Step::Restoring, Step::SignedIn, Step::Discovering}},
    {Step::Restoring, {Step::SignedOut, Step::KeychainRetry, Step::SignedIn, Step::Refreshing}},
    {Step::Discovering,
     {Step::SignedOut, Step::Discovering, Step::WaitingForBrowser, Step::WaitingForDevice, Step::SignedIn, Step::Error}},
    {Step::WaitingForDevice, {Step::SignedOut, Step::Discovering, Step::Exchanging, Step::Error}},
    {Step::WaitingForBrowser,
     {Step::SignedOut, Step::Discovering, Step::WaitingForBrowser, Step::Exchanging, Step::SignedIn, Step::Error}},
    {Step::Exchanging, {Step::SignedOut, Step::Onboarding, Step::Storing, Step::SignedIn, Step::Error}},
    {Step::Onboarding, {Step::SignedOut, Step::Discovering, Step::Exchanging, Step::Error}},
    {Step::Storing, {Step::SignedOut, Step::SignedIn}},
    {Step::SignedIn, {Step::SignedOut, Step::SignedIn, Step::Refreshing, Step::Discovering}},
    // A failed renewal goes back to SignedIn (offline), never to Error.
    {Step::Refreshing, {Step::SignedOut, Step::SignedIn}},
    {Step::Error, {Step::SignedOut, Step::Discovering}},
}};
} // namespace

QList<Step> SessionTransitions::targets(Step from)
{
    for (const auto &[step, next] : Table) {
        if (step == from)
            return next;
    }
    return {};
}

bool SessionTransitions::allowed(Step from, Step to)
{
    return targets(from).contains(to);
}
