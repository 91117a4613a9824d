#pragma once

// The QWizard fields the onboarding pages share: one page registers a field
// (QWizardPage::registerField), another reads it by this name alone, so a
// misspelt name would read an empty value without a word.
namespace WizardFields {

inline constexpr char Username[] = "username";
inline constexpr char Name[] = "name";
inline constexpr char TermsVersion[] = "termsVersion";

} // namespace WizardFields
