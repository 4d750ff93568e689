// Sign-in with email and password; returns to the page the visitor first asked for.
import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { z } from 'zod';
import { emailSchema } from '../../shared/accounts.ts';
import { authClient } from '../api/auth.ts';
import { useTRPC } from '../api/trpc.ts';
import { AuthLayout } from '../ui/AuthLayout.tsx';
import { FullPageLoader } from '../ui/RequireSession.tsx';

const signInSchema = z.object({ email: emailSchema, password: z.string().min(1, 'is required') });

/** Only same-site paths are followed after sign-in, never another origin. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignInPage() {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const status = useQuery(trpc.setup.status.queryOptions());
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm({ resolver: zodResolver(signInSchema), defaultValues: { email: '', password: '' } });

  if (status.isPending) return <FullPageLoader label="Loading Kairos" />;
  if (status.data?.needsOwner) return <Navigate to="/setup" replace />;

  const onSubmit = form.handleSubmit(async (values) => {
    setFailure(null);
    const result = await authClient.signIn.email(values);
    if (result.error) {
      setFailure(result.error.status === 401 ? 'Wrong email or password.' : (result.error.message ?? 'Sign-in failed.'));
      return;
    }
    await queryClient.resetQueries();
    navigate(safeNext(params.get('next')), { replace: true });
  });

  const { errors, isSubmitting } = form.formState;
  return (
    <AuthLayout title="Sign in" intro="Sign in to your Kairos workspace.">
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="sm">
          {failure && (
            <Alert color="red" variant="light" role="alert">
              {failure}
            </Alert>
          )}
          <TextInput
            label="Email"
            type="email"
            autoComplete="username"
            required
            {...form.register('email')}
            error={errors.email && `Email ${errors.email.message}`}
          />
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            required
            {...form.register('password')}
            error={errors.password && `Password ${errors.password.message}`}
          />
          <Button type="submit" loading={isSubmitting} mt="xs">
            Sign in
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
