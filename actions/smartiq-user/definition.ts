/** The SmartIQ User action's definition (SPEC 5.3): data only, with the exact input and output names. */
import type { ActionDefinition } from "../../runtime/definition";

export const INPUT = {
  preferredUsername: "Preferred Username",
  updateExistingUser: "Update Existing User",
  firstName: "First Name",
  lastName: "Last Name",
  email: "Email",
  jobTitle: "Job Title",
  organisation: "Organisation",
  phoneNumber: "Phone Number",
  addressLine1: "Address Line 1",
  addressLine2: "Address Line 2",
  city: "City",
  state: "State",
  postcode: "Postcode",
  country: "Country",
  customFields: "Custom Fields",
  disabled: "Disabled",
  groupsToRemove: "Groups to Remove",
  groupsToAdd: "Groups to Add",
  password: "Password",
  resetPassword: "Reset Password",
  resetPasswordOnNextLogin: "Reset Password on Next Login",
  theme: "Theme",
  displayInfoMessages: "Display Info Messages in Manage",
} as const;

export const OUTPUT = {
  existingUserUpdated: "Existing User Updated",
  password: "Password",
  userGuid: "User Guid",
  userId: "User ID",
  username: "Username",
} as const;

export const smartiqUserDefinition: ActionDefinition = {
  id: "smartiq-user",
  displayName: "SmartIQ User",
  version: "1.0.0",
  description:
    "Creates or updates a user account in the user directory: details, custom fields, groups and password, all in one transaction (a failure changes nothing).",
  inputs: [
    {
      name: INPUT.preferredUsername,
      type: "text",
      mandatory: true,
      description: "The username. An existing user matches ignoring case.",
    },
    {
      name: INPUT.updateExistingUser,
      type: "boolean",
      mandatory: true,
      description: "When a user with this username exists: true updates it, false fails the action.",
    },
    { name: INPUT.firstName, type: "text", description: "The user's first name." },
    { name: INPUT.lastName, type: "text", description: "The user's last name." },
    { name: INPUT.email, type: "text", description: "The user's email address; it must be a valid address." },
    { name: INPUT.jobTitle, type: "text", description: "The user's job title." },
    { name: INPUT.organisation, type: "text", description: "The user's organisation." },
    { name: INPUT.phoneNumber, type: "text", description: "The user's phone number." },
    { name: INPUT.addressLine1, type: "text", description: "The first line of the user's address." },
    { name: INPUT.addressLine2, type: "text", description: "The second line of the user's address." },
    { name: INPUT.city, type: "text", description: "The city of the user's address." },
    { name: INPUT.state, type: "text", description: "The state of the user's address." },
    { name: INPUT.postcode, type: "text", description: "The postcode of the user's address." },
    { name: INPUT.country, type: "text", description: "The country of the user's address." },
    {
      name: INPUT.customFields,
      type: "keyValueList",
      separator: "=",
      description: 'Custom fields: one "name=value" per line, or an object. Fields not listed keep their values.',
    },
    { name: INPUT.disabled, type: "boolean", description: "True disables the account; false enables it." },
    {
      name: INPUT.groupsToRemove,
      type: "multiline",
      description: "Group names, one per line: the user leaves them before any group is added. A group the user is not in is ignored.",
    },
    {
      name: INPUT.groupsToAdd,
      type: "multiline",
      description:
        'Group names, one per line: the user joins them. A group that does not exist fails the action. For a repeat answer, use =Replace([q37.GroupName], "|", chr(10)).',
    },
    { name: INPUT.password, type: "text", secret: true, description: "Sets this password." },
    {
      name: INPUT.resetPassword,
      type: "boolean",
      description: "True generates a new password (by the host's password policy). Ignored when Password is given.",
    },
    {
      name: INPUT.resetPasswordOnNextLogin,
      type: "boolean",
      description: "True makes the user change the password at the next login.",
    },
    { name: INPUT.theme, type: "text", description: "The skin file name." },
    {
      name: INPUT.displayInfoMessages,
      type: "boolean",
      description: "True writes a message about each step to the management log and to the action's messages.",
    },
  ],
  outputs: [
    {
      name: OUTPUT.existingUserUpdated,
      type: "boolean",
      description: "True when the user already existed and was updated; false for a new user.",
    },
    {
      name: OUTPUT.password,
      type: "text",
      secret: true,
      description: "The password assigned in this run (given or generated); empty when none was assigned.",
    },
    { name: OUTPUT.userGuid, type: "text", description: "The user's GUID." },
    { name: OUTPUT.userId, type: "number", description: "The user's numeric id." },
    { name: OUTPUT.username, type: "text", description: "The user's username, as stored." },
  ],
};
