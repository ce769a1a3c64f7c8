package dev.detopt.service.infra;

import dev.detopt.storage.ObjectStore;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AbstractDependsOnBeanFactoryPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Makes every DataSource and ObjectStore depend on the embedded servers (when there are any), so
 * the servers stop only after the connection pool and the S3 client are closed.
 */
@Configuration(proxyBeanMethods = false)
public class EmbeddedInfrastructureConfiguration {

    @Bean
    static AbstractDependsOnBeanFactoryPostProcessor dataSourceDependsOnEmbeddedInfrastructure() {
        return new DependsOnEmbeddedInfrastructure(DataSource.class);
    }

    @Bean
    static AbstractDependsOnBeanFactoryPostProcessor objectStoreDependsOnEmbeddedInfrastructure() {
        return new DependsOnEmbeddedInfrastructure(ObjectStore.class);
    }

    private static final class DependsOnEmbeddedInfrastructure extends AbstractDependsOnBeanFactoryPostProcessor {

        DependsOnEmbeddedInfrastructure(Class<?> beanClass) {
            super(beanClass, EmbeddedInfrastructure.BEAN_NAME);
        }

        @Override
        public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
            if (beanFactory.containsBeanDefinition(EmbeddedInfrastructure.BEAN_NAME)) {
                super.postProcessBeanFactory(beanFactory);
            }
        }
    }
}
