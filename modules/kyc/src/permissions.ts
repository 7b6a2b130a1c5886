import type { PermissionDefinition } from '@tradeloom/kernel';

/** Review applications: the queue, documents, approve / reject / request changes. */
export const PERMISSION_COMPLIANCE_KYC = 'compliance:kyc';
/** Build the forms of each level. */
export const PERMISSION_KYC_TEMPLATES = 'admin:kyc.templates';
/** Erase a user's verification data on their request. */
export const PERMISSION_KYC_ERASE = 'admin:kyc.erase';

export const kycPermissions: readonly PermissionDefinition[] = [
  {
    name: PERMISSION_COMPLIANCE_KYC,
    description: 'Review identity verifications: documents, approve, reject, request changes',
  },
  { name: PERMISSION_KYC_TEMPLATES, description: 'Build and activate the verification forms of each level' },
  { name: PERMISSION_KYC_ERASE, description: "Erase a user's verification data and documents (on request)" },
];
