/**
 * Sign-out across the tabs of this browser, for the components: they reach the client only
 * through lib/live (the import rule in eslint.config.mjs holds it). The channel itself, and why
 * it is apart from the stream's, is lib/client/auth-channel.ts.
 */
export { announceSignOut, onSignOutElsewhere } from '@/lib/client/auth-channel';
