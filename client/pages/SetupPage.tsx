// First start: create the owner (admin) account, then sign in with it.
import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Navigate, useNavigate } from 'react-router';
import { MIN_PASSWORD_LENGTH, ownerSchema } from '../../shared/accounts.ts';
import { authClient } from '../api/auth.ts';
import { errorMessage, useTRPC } from '../api/trpc.ts';
import { AuthLayout } from '../ui/AuthLayout.tsx';
import { FullPageLoader } from '../ui/RequireSession.tsx';

export function SetupPage() {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const status = useQuery(trpc.setup.status.queryOptions());
  const createOwner = useMutation(trpc.setup.createOwner.mutationOptions());
  const [signInError, setSignInError] = useState<string | null>(null);
  const form = useForm({ resolver: zodResolver(ownerSchema), defaultValues: { name: '', email: '', password: '' } });

  if (status.isPending) return <FullPageLoader label="Loading Kairos" />;
  // Once the owner exists, the app decides: signed in → the matrix, otherwise sign-in.
  if (status.data && !status.data.needsOwner) return <Navigate to="/" replace />;

  const onSubmit = form.handleSubmit(async (values) => {
    setSignInError(null);
    // A refused creation is shown from createOwner.error.
    const created = await createOwner.mutateAsync(values).then(() => true, () => false);
    if (!created) return;
    const signIn = await authClient.signIn.email({ email: values.email, password: values.password });
    if (signIn.error) {
      setSignInError(signIn.error.message ?? 'The account was created, but signing in failed. Please sign in.');
      return;
    }
    await queryClient.resetQueries();
    navigate('/', { replace: true });
  });

  const { errors, isSubmitting } = form.formState;
  return (
    <AuthLayout
      title="Create the owner account"
      intro="Welcome to Kairos. This first account is the workspace's admin: it adds the rest of the team in Settings."
    >
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="sm">
          {(createOwner.error || signInError) && (
            <Alert color="red" variant="light" role="alert">
              {signInError ?? errorMessage(createOwner.error)}
            </Alert>
          )}
          <TextInput label="Your name" autoComplete="name" required {...form.register('name')} error={errors.name?.message} />
          <TextInput
            label="Email"
            type="email"
            autoComplete="email"
            required
            {...form.register('email')}
            error={errors.email && `Email ${errors.email.message}`}
          />
          <PasswordInput
            label="Password"
            description={`At least ${MIN_PASSWORD_LENGTH} characters`}
            autoComplete="new-password"
            required
            {...form.register('password')}
            error={errors.password && `Password ${errors.password.message}`}
          />
          <Button type="submit" loading={isSubmitting} mt="xs">
            Create account and sign in
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
