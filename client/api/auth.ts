// better-auth's browser client: sign-in, sign-out and the current session.
import { createAuthClient } from 'better-auth/react';

export const authClient = createAuthClient({ basePath: '/api/auth' });
